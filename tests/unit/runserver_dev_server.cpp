// DevServer::handle_buffer: a connection's bytes through httplib's parser,
// the conversion to HttpRequest, the handler and the response writer, as
// served requests go (the path tests/fuzz/fuzz_http_request.cpp fuzzes).
#include <catch2/catch.hpp>

#include "runserver/dev_server.hpp"

using namespace mvt::runserver;

namespace {

/// A server whose handler answers with what it was given.
struct EchoServer {
  std::vector<std::string> log;
  DevServer server{DevServerOptions{},
                   [](HttpRequest& r) {
                     std::string body = r.method + " path=" + r.path + " raw=" + r.raw_path + " qs=" + r.query_string;
                     for (const auto& [k, v] : r.GET.items()) body += " GET[" + k + "]=" + v;
                     for (const auto& [k, v] : r.POST.items()) body += " POST[" + k + "]=" + v;
                     for (const auto& [k, v] : r.COOKIES) body += " COOKIE[" + k + "]=" + v;
                     body += " host=" + r.header("host").value_or("-");
                     HttpResponse response(r.path == "/missing/" ? 404 : 200, body, "text/plain");
                     response.set_header("X-Test", "1");
                     return response;
                   },
                   [this](const std::string& line, int) { log.push_back(line); }};
};

std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

}  // namespace

TEST_CASE("handle_buffer serves a GET like a connection", "[runserver][dev_server]") {
  EchoServer s;
  std::string out = s.server.handle_buffer(
      "GET /caf%C3%A9/%FF?a=1&b=x+y HTTP/1.1\r\nHost: testserver\r\nCookie: sessionid=abc; x=\"q\"\r\n\r\n");
  REQUIRE(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(out.find("X-Test: 1\r\n") != std::string::npos);
  CHECK(out.find("Content-Type: text/plain\r\n") != std::string::npos);
  CHECK(body_of(out) ==
        "GET path=/café/%FF raw=/caf%C3%A9/%FF qs=a=1&b=x+y GET[a]=1 GET[b]=x y COOKIE[sessionid]=abc COOKIE[x]=q "
        "host=testserver");
  REQUIRE(s.log.size() == 1);
  CHECK(s.log[0] == "\"GET /caf%C3%A9/%FF?a=1&b=x+y HTTP/1.1\" 200 " + std::to_string(body_of(out).size()));
}

TEST_CASE("handle_buffer reads urlencoded, multipart and chunked bodies", "[runserver][dev_server]") {
  EchoServer s;
  std::string form = "a=1&b=%C3%A9";
  std::string out = s.server.handle_buffer("POST /f/ HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                           "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n" + form);
  CHECK(body_of(out) == "POST path=/f/ raw=/f/ qs= POST[a]=1 POST[b]=é host=h");

  std::string mp = "--XX\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n"
                   "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nfile\r\n--XX--\r\n";
  out = s.server.handle_buffer("POST /m/ HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=XX\r\n"
                               "Content-Length: " + std::to_string(mp.size()) + "\r\n\r\n" + mp);
  CHECK(body_of(out) == "POST path=/m/ raw=/m/ qs= POST[t]=v host=h");  // files are not form fields

  out = s.server.handle_buffer("POST /c/ HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n3\r\nk=v\r\n0\r\n\r\n");
  CHECK(body_of(out) == "POST path=/c/ raw=/c/ qs= POST[k]=v host=h");
}

TEST_CASE("handle_buffer: the handler's errors pass through, malformed requests get httplib's 400",
          "[runserver][dev_server]") {
  EchoServer s;
  std::string out = s.server.handle_buffer("GET /missing/ HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(out.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(body_of(out) == "GET path=/missing/ raw=/missing/ qs= host=h");  // not replaced by the error page

  out = s.server.handle_buffer("NONSENSE\r\n\r\n");
  CHECK(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(s.log.back().find("\" 400 ") != std::string::npos);

  CHECK(s.server.handle_buffer("").empty());  // a client that sends nothing gets nothing
  // One that stops mid-headers gets httplib's 400, and the handler never runs.
  const std::size_t handled = s.log.size();
  CHECK(s.server.handle_buffer("GET / HTTP/1.1\r\nHost: h\r\n").substr(0, 12) == "HTTP/1.1 400");
  CHECK(s.log.size() == handled + 1);
}
