#include "runserver/socket_stream.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace mvt::runserver {

namespace {

void set_timeout(int sock, int option, std::time_t sec) {
  timeval tv{};
  tv.tv_sec = sec;
  ::setsockopt(sock, SOL_SOCKET, option, &tv, sizeof tv);
}

/// Numeric host and port of a socket address, as httplib reports them.
void numeric_address(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  else if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  std::array<char, NI_MAXHOST> host{};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host.data(), host.size(), nullptr, 0,
                    NI_NUMERICHOST) == 0)
    ip = host.data();
}

}  // namespace

BufferedSocketStream::BufferedSocketStream(int sock, std::time_t read_timeout_sec, std::time_t write_timeout_sec)
    : sock_(sock), read_timeout_sec_(read_timeout_sec) {
  set_timeout(sock, SO_RCVTIMEO, read_timeout_sec);
  set_timeout(sock, SO_SNDTIMEO, write_timeout_sec);
}

bool BufferedSocketStream::is_readable() const {
  if (has_buffered_input()) return true;
  pollfd p{sock_, POLLIN, 0};
  int n;
  do {
    n = ::poll(&p, 1, static_cast<int>(read_timeout_sec_ * 1000));
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

ssize_t BufferedSocketStream::receive() {
  if (!in_) in_ = std::make_unique_for_overwrite<char[]>(kReceiveSize + kSlack);
  in_pos_ = in_end_ = 0;
  ssize_t n;
  do {
    n = ::recv(sock_, in_.get(), kReceiveSize, 0);  // SO_RCVTIMEO bounds the wait
  } while (n < 0 && errno == EINTR);
  in_end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
  return n;
}

void BufferedSocketStream::replace_buffered_prefix(std::size_t count, std::string_view with) {
  char* p = in_.get() + in_pos_;
  const std::size_t rest = in_end_ - in_pos_ - count;
  std::memmove(p + with.size(), p + count, rest);
  std::memcpy(p, with.data(), with.size());
  in_end_ = in_end_ - count + with.size();
}

bool BufferedSocketStream::fill() { return has_buffered_input() || receive() > 0; }

ssize_t BufferedSocketStream::read(char* ptr, std::size_t size) {
  if (!has_buffered_input()) {
    ssize_t n = receive();
    if (n <= 0) return n < 0 ? -1 : 0;
  }
  std::size_t take = std::min(size, in_end_ - in_pos_);
  std::memcpy(ptr, in_.get() + in_pos_, take);
  in_pos_ += take;
  return static_cast<ssize_t>(take);
}

ssize_t BufferedSocketStream::write(const char* ptr, std::size_t size) {
  if (failed_) return -1;
  if (size < kDirectWrite && out_.size() + size <= kMaxBuffered) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  if (!send_buffered_and(ptr, size)) return -1;
  return static_cast<ssize_t>(size);
}

bool BufferedSocketStream::send_buffered_and(const char* data, std::size_t size) {
  std::size_t head = out_.size();  // bytes of out_ not sent yet, at its end
  while (head > 0) {
    iovec iov[2] = {{out_.data() + (out_.size() - head), head}, {const_cast<char*>(data), size}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    ssize_t n = ::sendmsg(sock_, &msg, MSG_NOSIGNAL);  // SO_SNDTIMEO bounds the wait
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      out_.clear();
      return false;
    }
    const auto sent = static_cast<std::size_t>(n);
    if (sent < head) {
      head -= sent;
      continue;
    }
    data += sent - head;
    size -= sent - head;
    head = 0;
  }
  out_.clear();
  return send_all(data, size);
}

bool BufferedSocketStream::flush() {
  if (failed_) return false;
  bool ok = send_all(out_.data(), out_.size());
  out_.clear();
  return ok;
}

bool BufferedSocketStream::send_all(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(sock_, data, size, MSG_NOSIGNAL);  // SO_SNDTIMEO bounds the wait
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void BufferedSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  remote_.get(sock_, ::getpeername, ip, port);
}

void BufferedSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  local_.get(sock_, ::getsockname, ip, port);
}

void BufferedSocketStream::CachedAddress::get(int sock, int (*lookup)(int, sockaddr*, socklen_t*), std::string& ip,
                                              int& port) {
  if (!known) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (lookup(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0) numeric_address(addr, len, this->ip, this->port);
    known = true;
  }
  ip = this->ip;
  port = this->port;
}

}  // namespace mvt::runserver
