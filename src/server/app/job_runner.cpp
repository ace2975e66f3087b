#include "server/app/job_runner.hpp"

namespace mizan::server {

http::response answer_for(std::exception_ptr thrown, std::string_view what, bool debug) {
  try {
    std::rethrow_exception(std::move(thrown));
  } catch (const error& e) {
    return error_response(e);
  } catch (const std::exception& e) {
    return internal_error_response(std::string(what) + ": " + e.what(), debug);
  } catch (...) {
    return internal_error_response(std::string(what), debug);
  }
}

}  // namespace mizan::server
