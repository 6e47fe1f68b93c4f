#include "runserver/dev_server.hpp"

#include <httplib.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>

#include "runserver/file_storage.hpp"
#include "runserver/socket_stream.hpp"

namespace mvt::runserver {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
std::size_t utf8_sequence_length(const std::string& s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  unsigned min;
  unsigned cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string path_info_from_raw(const std::string& raw_path) {
  std::string decoded = url_unquote(raw_path);
  std::string out;
  out.reserve(decoded.size());
  for (std::size_t i = 0; i < decoded.size();) {
    std::size_t n = utf8_sequence_length(decoded, i);
    if (n == 0) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(decoded[i]));
      out += buf;
      ++i;
    } else {
      out.append(decoded, i, n);
      i += n;
    }
  }
  return out.empty() ? "/" : out;
}

namespace {
/// Set by the error handler when httplib refused a request before routing
/// (malformed, too large): as Python's http.server, the connection is then
/// closed after the 400 instead of parsing the rest of the bytes as requests.
thread_local bool t_refused = false;
}  // namespace

/// httplib's server with its per-connection request processing reachable,
/// so that a connection can also be a buffer (DevServer::handle_buffer).
class HttplibServer final : public httplib::Server {
 public:
  using httplib::Server::process_request;

 private:
  /// httplib's keep-alive loop (detail::process_server_socket) over a
  /// BufferedSocketStream: one send() per response, no poll() per read.
  bool process_and_close_socket(socket_t sock) override {
    bool ret = false;
    {
      BufferedSocketStream strm(sock, read_timeout_sec_, write_timeout_sec_);
      for (std::size_t count = keep_alive_max_count_; count > 0; --count) {
        if (!strm.has_buffered_input() && !wait_for_request(sock, keep_alive_timeout_sec_, svr_sock_)) break;
        bool connection_closed = false;
        t_refused = false;
        ret = process_request(strm, count == 1, connection_closed, nullptr);
        if (!strm.flush()) ret = false;
        if (!ret || connection_closed || t_refused) break;
      }
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
  }
};

struct DevServer::Impl {
  DevServerOptions options;
  RequestHandler handler;
  RequestLogger logger;
  HttplibServer server;
  int port = 0;
  std::atomic<bool> serving_done{false};
};

namespace {

HttpRequest to_request(const httplib::Request& req, const DevServerOptions& o) {
  HttpRequest r;
  r.method = req.method;
  std::string target = req.target.empty() ? req.path : req.target;
  auto q = target.find('?');
  r.raw_path = target.substr(0, q);
  if (q != std::string::npos) r.query_string = target.substr(q + 1);
  r.path = path_info_from_raw(r.raw_path);
  r.http_version = req.version;
  r.headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // httplib adds these itself; they are not the client's.
    if (name == "remote_addr" || name == "remote_port" || name == "local_addr" || name == "local_port") continue;
    r.headers.emplace_back(std::move(name), v);
  }
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  r.server_name = o.addr;
  r.server_port = o.port;
  r.GET = QueryDict::parse(r.query_string);
  if (auto cookie = r.header("cookie")) r.COOKIES = parse_cookie(*cookie);
  std::string ctype = r.header("content-type").value_or("");
  if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    if (ctype.rfind("application/x-www-form-urlencoded", 0) == 0) {
      r.POST = QueryDict::parse(r.body);
    } else if (ctype.rfind("multipart/form-data", 0) == 0) {
      for (const auto& [name, file] : req.files) {
        if (file.filename.empty()) {
          r.POST.append(name, file.content);
        } else if (auto filename = sanitize_upload_name(file.filename)) {
          r.FILES[name].push_back({std::move(*filename), file.content_type, file.content});
        }
      }
    }
  }
  return r;
}

/// Set by the routing handler: httplib also calls the error handler for our
/// own 4xx/5xx responses, which must pass through untouched. The same worker
/// thread routes and writes a request, so a thread-local flag is enough.
thread_local bool t_handled = false;

}  // namespace

DevServer::DevServer(DevServerOptions options, RequestHandler handler, RequestLogger logger)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->logger = std::move(logger);
  auto& s = impl_->server;
  const int threads = impl_->options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  s.set_keep_alive_max_count(1000);
  s.set_tcp_nodelay(true);  // a response is one write; no Nagle delay on it
  s.set_keep_alive_timeout(5);
  s.set_payload_max_length(impl_->options.max_body_bytes);
  if (impl_->options.ipv6) s.set_address_family(AF_INET6);
  Impl* impl = impl_.get();
  // Per-method handlers rather than the pre-routing hook: httplib reads a
  // request's body only on the way to a method handler.
  auto handle = [impl](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request = to_request(req, impl->options);
    HttpResponse response = impl->handler(request);
    res.status = response.status;
    t_handled = response.status >= 400;  // httplib will call the error handler next
    std::string content_type = "text/html; charset=utf-8";
    for (const auto& [k, v] : response.headers) {
      if (k == "Content-Type") content_type = v;
      else res.set_header(k, v);
    }
    for (const auto& c : response.cookies) res.set_header("Set-Cookie", c);
    std::string line = req.method + " " + req.target + " " + req.version;
    std::size_t size = response.body.size();
    if (req.method == "HEAD") res.set_header("Content-Length", std::to_string(size));
    else res.set_content(std::move(response.body), content_type);
    if (req.method == "HEAD") res.set_header("Content-Type", content_type);
    if (impl->logger) impl->logger("\"" + line + "\" " + std::to_string(res.status) + " " + std::to_string(size), res.status);
  };
  const std::string any = R"([\s\S]*)";
  s.Get(any, handle);
  s.Post(any, handle);
  s.Put(any, handle);
  s.Patch(any, handle);
  s.Delete(any, handle);
  s.Options(any, handle);
  s.set_error_handler([impl](const httplib::Request& req, httplib::Response& res) {
    // Requests httplib refused before routing (malformed, too large, ...).
    if (t_handled) {
      t_handled = false;
      return;
    }
    t_refused = true;
    res.set_header("Connection", "close");
    HttpResponse page = default_error_page(res.status >= 500 ? 500 : 400);
    res.set_content(page.body, "text/html");
    if (impl->logger)
      impl->logger("\"" + req.method + " " + req.target + " " + req.version + "\" " + std::to_string(res.status) + " " +
                       std::to_string(page.body.size()),
                   res.status);
  });
}

DevServer::~DevServer() = default;

std::string DevServer::bind() {
  errno = 0;
  int port = impl_->options.port;
  if (port == 0) port = impl_->server.bind_to_any_port(impl_->options.addr);
  else if (!impl_->server.bind_to_port(impl_->options.addr, port)) port = -1;
  if (port < 0) {
    int e = errno;
    // Django's runserver messages for socket errors.
    if (e == EADDRINUSE) return "That port is already in use.";
    if (e == EACCES) return "You don't have permission to access that port.";
    if (e == EADDRNOTAVAIL) return "That IP address can't be assigned to.";
    return "Can't bind to " + impl_->options.addr + ":" + std::to_string(impl_->options.port) + ".";
  }
  impl_->port = port;
  impl_->options.port = port;
  return "";
}

bool DevServer::serve() {
  bool ok = impl_->server.listen_after_bind();
  impl_->serving_done = true;
  return ok;
}

void DevServer::stop() {
  // httplib's stop() does nothing until listen_after_bind() has started
  // (a Ctrl-C right after the bind would be lost): wait for it.
  while (!impl_->server.is_running() && !impl_->serving_done)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server.stop();
}

int DevServer::bound_port() const { return impl_->port; }

namespace {

/// A connection whose client sent `in` (reads end there) and whose replies
/// are collected in `out`.
class BufferConnection final : public httplib::Stream {
 public:
  BufferConnection(std::string_view in, std::string& out) : in_(in), out_(out) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, in_.size() - pos_);
    std::copy_n(in_.data() + pos_, n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 50000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8000;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string& out_;
};

}  // namespace

std::string DevServer::handle_buffer(std::string_view raw) {
  std::string out;
  BufferConnection connection(raw, out);
  bool closed = false;
  impl_->server.process_request(connection, /*close_connection=*/true, closed, [](httplib::Request&) {});
  return out;
}

}  // namespace mvt::runserver
