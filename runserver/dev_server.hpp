#pragma once
// The HTTP listener of `mvt runserver`: cpp-httplib with a thread per
// connection (as Django's threaded runserver) and HTTP/1.1 keep-alive,
// translating to and from HttpRequest/HttpResponse.
// httplib.h is included only by dev_server.cpp.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runserver/http_request.hpp"
#include "runserver/http_response.hpp"

namespace mvt::runserver {

/// Handles one request; must not throw (the Application turns errors into
/// 500 pages). Called concurrently from the connections' threads.
using RequestHandler = std::function<HttpResponse(HttpRequest&)>;

/// Called after each response with Django's log message,
/// `"GET / HTTP/1.1" 200 1234`, and the status (for colouring).
using RequestLogger = std::function<void(const std::string& message, int status)>;

struct DevServerOptions {
  std::string addr = "127.0.0.1";  // IPv4, IPv6 (without brackets) or a host name
  int port = 8000;
  bool ipv6 = false;
  bool threading = true;  // a thread per connection; false: one at a time (--nothreading)
  std::size_t max_body_bytes = 2621440 * 4;  // any body (file uploads included): 413 past it
  std::size_t data_upload_max_memory_size = 2621440;  // Django's DATA_UPLOAD_MAX_MEMORY_SIZE (form fields)
  std::size_t data_upload_max_number_fields = 1000;   // Django's DATA_UPLOAD_MAX_NUMBER_FIELDS
};

/// The server. bind() then serve() (blocking) until stop() is called from
/// another thread or a signal-watching thread.
class DevServer {
 public:
  DevServer(DevServerOptions options, RequestHandler handler, RequestLogger logger);
  ~DevServer();
  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;

  /// Binds the listening socket. Returns an empty string on success, else
  /// Django's error text ("That port is already in use.", ...).
  std::string bind();
  /// Accepts connections until stop(); returns false if it failed to run.
  /// Limits glibc's malloc arenas for the process (M_ARENA_MAX) first.
  bool serve();
  /// Stops serve() (thread-safe). Called before serve() has started, it
  /// waits for it to start, so a serve() call must follow.
  void stop();
  /// The port actually bound (useful with port 0).
  int bound_port() const;
  /// Handles one connection whose client sends exactly `raw` and then waits:
  /// httplib's request parser, the routing, the conversion to HttpRequest,
  /// the handler, the logger and httplib's response writer, as for a served
  /// request, but without a socket (the connection closes after one request).
  /// Returns the bytes written back. For tests and the fuzz target
  /// tests/fuzz/fuzz_http_request.cpp; needs no bind().
  std::string handle_buffer(std::string_view raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Converts a raw request target's path to Django's path_info: percent-decoded,
/// with bytes that are not valid UTF-8 re-percent-encoded
/// (django.utils.encoding.repercent_broken_unicode).
std::string path_info_from_raw(const std::string& raw_path);

}  // namespace mvt::runserver
