// The one translation unit that compiles Asio and Beast (the project builds
// them with BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
// With its SSL part, which the edge purger and the mailer use.
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
