// Boost.JSON compiled from source in the fuzz build, instead of linking
// Debian's library, so that its parser is instrumented like the rest.
#include <boost/json/src.hpp>
