#pragma once
// The dev server's connection: an httplib::Stream over an accepted socket
// that reads through a buffer and sends each response with one send().
//
// Design note: httplib's own SocketStream polls before every read and write
// and writes a response's headers and body with separate send() calls (two
// packets with TCP_NODELAY). On a small page that is most of the kernel time
// of a request. Here reads go straight to recv() (the socket carries
// SO_RCVTIMEO/SO_SNDTIMEO, so a silent client still times out), writes are
// collected and sent by flush() once the response is complete, and a write
// of kDirectWrite bytes or more (a page body, a static file's chunks) goes
// out at once behind the buffered headers, in one sendmsg(), without being
// copied into the buffer. Include only from .cpp files: it pulls in httplib.h.
#include <httplib.h>

#include <cstddef>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace mvt::runserver {

class BufferedSocketStream final : public httplib::Stream {
 public:
  /// Takes `sock` (connected, blocking; not owned) and sets its receive and
  /// send timeouts to the given seconds.
  BufferedSocketStream(int sock, std::time_t read_timeout_sec, std::time_t write_timeout_sec);

  /// True when buffered input is waiting or the socket becomes readable
  /// within the read timeout.
  bool is_readable() const override;
  /// Always true: writes are buffered; flush() reports a failed send.
  bool is_writable() const override { return !failed_; }
  /// Up to `size` bytes from the buffer, else from one recv(); 0 at the
  /// end of the stream, -1 on error or timeout.
  ssize_t read(char* ptr, std::size_t size) override;
  /// Appends to the output (sent by flush()); returns `size`, or -1 once a
  /// send has failed.
  ssize_t write(const char* ptr, std::size_t size) override;
  /// The peer's and this end's numeric addresses and ports (each looked up
  /// once per connection).
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

  /// Sends everything written so far. Returns false when the peer is gone
  /// or the send timed out.
  bool flush();
  /// Whether bytes of a next (pipelined) request are already buffered.
  bool has_buffered_input() const { return in_pos_ < in_end_; }
  /// Reads once into the buffer if it is empty (blocking up to the read
  /// timeout); false at the end of the stream or on an error.
  bool fill();
  /// The bytes received and not read yet (valid until the next read()).
  std::string_view buffered_input() const { return std::string_view(in_.get() + in_pos_, in_end_ - in_pos_); }
  /// Replaces the first `count` buffered bytes by `with` (the request line's
  /// method, for a parser that knows only some methods); `with` may be at
  /// most kSlack bytes longer than `count`.
  void replace_buffered_prefix(std::size_t count, std::string_view with);

  static constexpr std::size_t kMaxBuffered = 64 * 1024;
  /// Bytes asked of one recv(), and the room kept past them.
  static constexpr std::size_t kReceiveSize = 16 * 1024, kSlack = 64;
  /// A write at least this large is sent at once, behind what is buffered,
  /// with one sendmsg() (a page body is not copied into the buffer first).
  static constexpr std::size_t kDirectWrite = 4 * 1024;

 private:
  bool send_all(const char* data, std::size_t size);
  /// Sends out_ then `data` with as few sendmsg() calls as the kernel allows.
  bool send_buffered_and(const char* data, std::size_t size);
  /// Replaces the (consumed) buffer with one recv(); its result.
  ssize_t receive();

  int sock_;
  std::time_t read_timeout_sec_;
  // The receive buffer: allocated on the first recv(), never zero-filled
  // (a 16 KB memset per request showed in the profile).
  std::unique_ptr<char[]> in_;
  std::size_t in_pos_ = 0, in_end_ = 0;
  std::string out_;
  bool failed_ = false;
  /// An end's numeric address, looked up on first use.
  struct CachedAddress {
    bool known = false;
    std::string ip;
    int port = 0;
    /// Fills `ip`/`port` from the cache, asking `lookup` (getpeername or
    /// getsockname) the first time.
    void get(int sock, int (*lookup)(int, sockaddr*, socklen_t*), std::string& ip, int& port);
  };
  mutable CachedAddress remote_, local_;
};

}  // namespace mvt::runserver
