#include "runserver/dev_server.hpp"

#include <httplib.h>

#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <semaphore>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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

/// The request line as Django's runserver logs it: http.server decodes it
/// as ISO-8859-1, so each byte past 0x7F is one character (written here in
/// UTF-8, the console's encoding).
std::string request_line_for_log(std::string_view method, const std::string& target, const std::string& version) {
  std::string out;
  out.reserve(method.size() + target.size() + version.size() + 8);
  auto add = [&out](std::string_view text) {
    for (char ch : text) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        out += ch;
      } else {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
      }
    }
  };
  add(method);
  out += ' ';
  add(target);
  out += ' ';
  add(version);
  return out;
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

/// The request's method when httplib was shown a stand-in for it (see
/// stand_in_method); empty otherwise.
thread_local std::string t_method;

/// The method httplib is shown for one it would refuse.
constexpr std::string_view kStandIn = "TRACE";

/// Python's http.server (Django's runserver) takes any word as the method
/// and passes it to the view; httplib's parser refuses methods outside its
/// list and its router those it has no handler for, both with 400. When
/// `input` starts with a method httplib does not route, returns its length
/// (the caller puts kStandIn in its place, which reaches our pre-routing
/// handler, and keeps the method in t_method); else 0.
std::size_t unrouted_method_length(std::string_view input) {
  auto space = input.find(' ');
  if (space == 0 || space == std::string_view::npos || space > 64) return 0;
  std::string_view method = input.substr(0, space);
  for (char c : method)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return 0;
  for (std::string_view routed : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    if (method == routed) return 0;
  return space;
}
}  // namespace

/// Runs each accepted connection on a thread of its own, as Django's
/// runserver (socketserver.ThreadingMixIn): an idle keep-alive connection or
/// a client slow to send its request holds only its own thread, never the
/// others'. shutdown() joins them all; finished threads are joined as new
/// ones start, so a long-running server keeps no dead threads.
class ConnectionThreads final : public httplib::TaskQueue {
 public:
  ConnectionThreads() = default;
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;
  ~ConnectionThreads() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    reap();
    auto task = std::make_shared<std::function<void()>>(std::move(fn));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::uint64_t id = next_id_++;
      try {
        running_.emplace(id, std::thread([this, id, task] {
          (*task)();
          std::lock_guard<std::mutex> done(mutex_);
          finished_.push_back(id);
          cond_.notify_all();
        }));
        return;
      } catch (const std::system_error&) {
      }
    }
    // No thread to be had (a resource limit): serve this connection on the
    // accepting thread rather than drop it.
    (*task)();
  }

  void shutdown() override {
    std::unique_lock<std::mutex> lock(mutex_);
    cond_.wait(lock, [this] { return finished_.size() == running_.size(); });
    for (auto& [id, t] : running_) t.join();
    running_.clear();
    finished_.clear();
  }

 private:
  /// Joins the threads whose connection has ended.
  void reap() {
    std::vector<std::thread> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::uint64_t id : finished_) {
        auto it = running_.find(id);
        done.push_back(std::move(it->second));
        running_.erase(it);
      }
      finished_.clear();
    }
    for (auto& t : done) t.join();
  }

  std::mutex mutex_;
  std::condition_variable cond_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::thread> running_;
  std::vector<std::uint64_t> finished_;  // ids in running_ whose function returned
};

/// httplib's server with its per-connection request processing reachable,
/// so that a connection can also be a buffer (DevServer::handle_buffer).
class HttplibServer final : public httplib::Server {
 public:
  using httplib::Server::process_request;

  /// Ends the connections being served (their reads and writes fail at
  /// once): after stop(), so that Ctrl-C does not wait for a slow client's
  /// read timeout. Django's runserver exits without waiting for them at all.
  void end_connections() {
    std::lock_guard<std::mutex> lock(live_mutex_);
    stopping_ = true;  // and a connection accepted meanwhile is closed unserved
    for (int sock : live_) ::shutdown(sock, SHUT_RDWR);
  }

 private:
  /// httplib's keep-alive loop (detail::process_server_socket) over a
  /// BufferedSocketStream: one send() per response, no poll() per read.
  bool process_and_close_socket(socket_t sock) override {
    bool ret = false;
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(live_mutex_);
      stopping = stopping_;
      if (!stopping) live_.insert(sock);
    }
    bool last = false;
    if (!stopping) {
      ret = serve_connection(sock);
      // Out of live_ before close: the number may be reused at once.
      std::lock_guard<std::mutex> lock(live_mutex_);
      live_.erase(sock);
      last = live_.empty();
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    // The last client gone, the server is idle: the memory its requests'
    // threads freed goes back to the system (glibc keeps it in each thread's
    // arena otherwise), so an idle dev server stays small after a burst.
    if (last) ::malloc_trim(0);
    return ret;
  }

  bool serve_connection(socket_t sock) {
    bool ret = false;
    {
      BufferedSocketStream strm(sock, read_timeout_sec_, write_timeout_sec_);
      for (std::size_t count = keep_alive_max_count_; count > 0; --count) {
        // Waiting for the next request is one blocking recv() (no poll()
        // first): it ends with the keep-alive timeout (the socket's receive
        // timeout, equal to it), the client closing, or end_connections().
        bool connection_closed = false;
        t_refused = false;
        t_method.clear();
        if (!strm.fill()) break;
        if (std::size_t n = unrouted_method_length(strm.buffered_input())) {
          t_method = strm.buffered_input().substr(0, n);
          strm.replace_buffered_prefix(n, kStandIn);
        }
        ret = process_request(strm, count == 1, connection_closed, nullptr);
        if (!strm.flush()) ret = false;
        if (!ret || connection_closed || t_refused) break;
      }
    }
    return ret;
  }

  std::mutex live_mutex_;
  std::unordered_set<int> live_;  // sockets being served
  bool stopping_ = false;
};

struct DevServer::Impl {
  explicit Impl(std::ptrdiff_t slots) : slot_count(slots), handler_slots(slots) {}
  DevServerOptions options;
  std::ptrdiff_t slot_count;
  /// Design note: every connection has a thread, but at most this many run
  /// the handler at once (a few per core): with dozens of busy connections
  /// the rest wait here instead of all contending for two cores, their
  /// caches and SQLite connections (which go back to a pool after each
  /// request, so there are about as many as there are slots). Reading a
  /// request and sending its answer take no slot.
  std::counting_semaphore<1024> handler_slots;
  RequestHandler handler;
  RequestLogger logger;
  HttplibServer server;
  int port = 0;
  std::atomic<bool> serving_done{false};
};

namespace {

/// One part of a multipart/form-data body, in the order sent.
struct FormPart {
  std::string name, filename, content_type, content;
};

/// The request's body as read by the content-reader handlers (httplib's own
/// reading would refuse urlencoded bodies past 8 KB with 413).
struct RequestBody {
  std::string raw;              // anything but multipart
  std::vector<FormPart> parts;  // multipart/form-data
  bool too_big = false;         // Content-Length past DATA_UPLOAD_MAX_MEMORY_SIZE
  bool drained = false;         // ... and its body was read and dropped
};

/// Counts the fields of a urlencoded body as Django's limited_parse_qsl
/// (pieces between '&' and ';', empty ones included).
std::size_t urlencoded_field_count(std::string_view text) {
  if (text.empty()) return 0;
  return 1 + static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return c == '&' || c == ';'; }));
}

HttpRequest to_request(const httplib::Request& req, RequestBody body, const DevServerOptions& o) {
  HttpRequest r;
  r.method = t_method.empty() ? req.method : t_method;
  for (auto& c : r.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));  // as Django's WSGIRequest
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
  r.body = std::move(body.raw);
  r.remote_addr = req.remote_addr;
  r.server_name = o.addr;
  r.server_port = o.port;
  r.GET = QueryDict::parse(r.query_string);
  if (auto cookie = r.header("cookie")) r.COOKIES = parse_cookie(*cookie);
  std::string ctype = r.header("content-type").value_or("");
  // The limits of Django's HttpRequest._load_post_and_files: the error is
  // kept for the Application to raise where Django reads request.POST.
  const std::string too_big = "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.";
  const std::string too_many = "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.";
  if (body.too_big) {
    r.post_error_type = "RequestDataTooBig";
    r.post_error = too_big;
  } else if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    if (ctype.rfind("application/x-www-form-urlencoded", 0) == 0) {
      if (urlencoded_field_count(r.body) > o.data_upload_max_number_fields) {
        r.post_error_type = "TooManyFieldsSent";
        r.post_error = too_many;
      } else {
        r.POST = QueryDict::parse(r.body);
      }
    } else if (ctype.rfind("multipart/form-data", 0) == 0) {
      // django.http.multipartparser.MultiPartParser.parse: every part counts
      // towards DATA_UPLOAD_MAX_NUMBER_FIELDS (+2 for the empty raw fields
      // around the boundaries), the fields' names and values (+2 each)
      // towards DATA_UPLOAD_MAX_MEMORY_SIZE; files are not limited.
      std::size_t keys = 0;
      std::size_t field_bytes = 0;
      for (auto& part : body.parts) {
        if (++keys > o.data_upload_max_number_fields + 2) {
          r.post_error_type = "TooManyFieldsSent";
          r.post_error = too_many;
          break;
        }
        if (part.filename.empty()) {
          field_bytes += part.name.size() + 2 + part.content.size();
          if (field_bytes > o.data_upload_max_memory_size) {
            r.post_error_type = "RequestDataTooBig";
            r.post_error = too_big;
            break;
          }
          r.POST.append(std::move(part.name), std::move(part.content));
        } else if (auto filename = sanitize_upload_name(part.filename)) {
          r.FILES[part.name].push_back({std::move(*filename), std::move(part.content_type), std::move(part.content)});
        }
      }
      if (!r.post_error.empty()) {
        r.POST = QueryDict();
        r.FILES.clear();
      }
    }
  }
  return r;
}

/// Reads the body of a POST/PUT/PATCH/DELETE through httplib's content
/// reader (its length limit, chunked decoding and multipart parser), into
/// `body`. Returns false when httplib refused it (res.status says why).
bool read_body(const httplib::Request& req, const httplib::ContentReader& reader, const DevServerOptions& o,
               RequestBody& body) {
  if (req.is_multipart_form_data()) {
    return reader(
        [&body](const httplib::MultipartFormData& part) {
          body.parts.push_back({part.name, part.filename, part.content_type, {}});
          return true;
        },
        [&body](const char* data, std::size_t n) {
          if (!body.parts.empty()) body.parts.back().content.append(data, n);
          return true;
        });
  }
  // As Django's HttpRequest.body: a declared length past the limit is
  // refused by its Content-Length. Design note: the body is still read and
  // dropped up to max_body_bytes, so that the client, still sending, gets
  // the answer on a live connection; past that it is left unread and the
  // connection closes after the answer.
  if (req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
    const std::string length = req.get_header_value("Content-Length");
    bool digits = !length.empty() && std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && (length.size() > 18 || std::stoull(length) > o.data_upload_max_memory_size)) {
      body.too_big = true;
      if (length.size() > 18 || std::stoull(length) > o.max_body_bytes) return true;
      body.drained = reader([](const char*, std::size_t) { return true; });
      return body.drained;
    }
  }
  return reader([&body](const char* data, std::size_t n) {
    body.raw.append(data, n);
    return true;
  });
}

/// Set by the routing handler: httplib also calls the error handler for our
/// own 4xx/5xx responses, which must pass through untouched. The same worker
/// thread routes and writes a request, so a thread-local flag is enough.
thread_local bool t_handled = false;

/// How many requests run the handler at once: two per core (a request may
/// also wait on the database), at least 4.
std::ptrdiff_t handler_slot_count() {
  return std::clamp<std::ptrdiff_t>(2 * static_cast<std::ptrdiff_t>(std::thread::hardware_concurrency()), 4, 64);
}

/// Holds one handler slot for its lifetime.
class HandlerSlot {
 public:
  explicit HandlerSlot(std::counting_semaphore<1024>& slots) : slots_(slots) { slots_.acquire(); }
  ~HandlerSlot() { slots_.release(); }
  HandlerSlot(const HandlerSlot&) = delete;
  HandlerSlot& operator=(const HandlerSlot&) = delete;

 private:
  std::counting_semaphore<1024>& slots_;
};

}  // namespace

DevServer::DevServer(DevServerOptions options, RequestHandler handler, RequestLogger logger)
    : impl_(std::make_unique<Impl>(handler_slot_count())) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->logger = std::move(logger);
  auto& s = impl_->server;
  const bool threading = impl_->options.threading;
  // --nothreading: one thread serves every connection in turn, as Django's.
  s.new_task_queue = [threading]() -> httplib::TaskQueue* {
    if (!threading) return new httplib::ThreadPool(1);
    return new ConnectionThreads();
  };
  s.set_keep_alive_max_count(1000);
  s.set_tcp_nodelay(true);  // a response is one write; no Nagle delay on it
  // A connection waits up to 5 s for its next request, and for each read
  // within one: httplib's defaults, both the socket's receive timeout.
  s.set_keep_alive_timeout(5);
  s.set_read_timeout(5, 0);
  s.set_payload_max_length(impl_->options.max_body_bytes);
  if (impl_->options.ipv6) s.set_address_family(AF_INET6);
  Impl* impl = impl_.get();
  // Per-method handlers rather than the pre-routing hook: httplib reads a
  // request's body only on the way to a method handler.
  auto respond = [impl](const httplib::Request& req, httplib::Response& res, RequestBody body) {
    HttpRequest request = to_request(req, std::move(body), impl->options);
    HttpResponse response;
    {
      HandlerSlot slot(impl->handler_slots);
      response = impl->handler(request);
    }
    res.status = response.status;
    t_handled = response.status >= 400;  // httplib will call the error handler next
    std::string content_type = "text/html; charset=utf-8";
    for (const auto& [k, v] : response.headers) {
      if (k == "Content-Type") content_type = v;
      else res.set_header(k, v);
    }
    for (const auto& c : response.cookies) res.set_header("Set-Cookie", c);
    std::string line = request_line_for_log(t_method.empty() ? req.method : t_method, req.target, req.version);
    std::size_t size = response.body.size();
    if (req.method == "HEAD") res.set_header("Content-Length", std::to_string(size));
    else res.body = std::move(response.body);  // as set_content, without its copy of the body
    res.set_header("Content-Type", content_type);
    if (impl->logger) impl->logger("\"" + line + "\" " + std::to_string(res.status) + " " + std::to_string(size), res.status);
  };
  auto handle = [respond](const httplib::Request& req, httplib::Response& res) { respond(req, res, {}); };
  // Methods with a body: read by us through httplib's content reader, not
  // by httplib's read_content, which refuses urlencoded bodies past 8 KB
  // (CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH) where Django takes
  // DATA_UPLOAD_MAX_MEMORY_SIZE.
  auto handle_body = [impl, respond](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
    RequestBody body;
    // wsgiref (Django's runserver) reads CONTENT_LENGTH bytes: none without
    // the header (httplib would read to the end of the stream, then 400).
    bool has_body = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    if (has_body && !read_body(req, reader, impl->options, body)) {
      if (res.status < 400) res.status = 400;  // the error handler answers
      return;
    }
    if (body.too_big && !body.drained) {
      res.set_header("Connection", "close");
      t_refused = true;  // the unread body must not be parsed as a request
    }
    respond(req, res, std::move(body));
  };
  const std::string any = R"([\s\S]*)";
  s.Get(any, handle);
  s.Post(any, httplib::Server::HandlerWithContentReader(handle_body));
  s.Put(any, httplib::Server::HandlerWithContentReader(handle_body));
  s.Patch(any, httplib::Server::HandlerWithContentReader(handle_body));
  s.Delete(any, httplib::Server::HandlerWithContentReader(handle_body));
  s.Options(any, handle);
  // The other methods (TRACE, CONNECT, any word) come as kStandIn.
  s.set_pre_routing_handler([respond](const httplib::Request& req, httplib::Response& res) {
    if (req.method != kStandIn) return httplib::Server::HandlerResponse::Unhandled;
    respond(req, res, {});
    return httplib::Server::HandlerResponse::Handled;
  });
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
      impl->logger("\"" + request_line_for_log(t_method.empty() ? req.method : t_method, req.target, req.version) +
                       "\" " + std::to_string(res.status) + " " + std::to_string(page.body.size()),
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
  // glibc gives threads up to 8 malloc arenas per core, and with a thread
  // per connection dozens of clients would each bind one: two per handler
  // slot (the requests running, and as many being read or written) keeps
  // the throughput and about a megabyte less memory (bench/server_compare.py).
  ::mallopt(M_ARENA_MAX, static_cast<int>(2 * impl_->slot_count));
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
  impl_->server.end_connections();
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
  std::string input(raw);
  t_method.clear();
  if (std::size_t n = unrouted_method_length(input)) {
    t_method = input.substr(0, n);
    input.replace(0, n, kStandIn);
  }
  BufferConnection connection(input, out);
  bool closed = false;
  impl_->server.process_request(connection, /*close_connection=*/true, closed, [](httplib::Request&) {});
  return out;
}

}  // namespace mvt::runserver
