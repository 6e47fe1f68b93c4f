// File uploads: Django's file name rules (get_valid_filename,
// validate_file_name, sanitize_file_name, FileField.generate_filename,
// Storage.get_available_name), FileSystemStorage on disk, the image
// signature check, and multipart requests becoming request.FILES. Expected
// values were computed with Django 3.2's own functions.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "runserver/dev_server.hpp"
#include "runserver/file_storage.hpp"

using namespace mvt::runserver;
namespace fs = std::filesystem;

TEST_CASE("get_valid_filename as Django's django.utils.text", "[files]") {
  CHECK(get_valid_filename("  john's portrait in 2004.jpg ") == "johns_portrait_in_2004.jpg");
  CHECK(get_valid_filename("café ñ-x.tar.gz") == "café_ñ-x.tar.gz");  // Unicode word characters stay
  CHECK(get_valid_filename("a/b\\c:d?.txt") == "abcd.txt");
  CHECK_THROWS_AS(get_valid_filename("$$$"), SuspiciousFileOperation);
  CHECK_THROWS_WITH(get_valid_filename("?.?."), "Could not derive file name from '?.?.'");
  CHECK_THROWS_AS(get_valid_filename(".."), SuspiciousFileOperation);
}

TEST_CASE("validate_file_name and split_ext", "[files]") {
  CHECK(validate_file_name("a.txt") == "a.txt");
  CHECK_THROWS_WITH(validate_file_name("d/a.txt"), "File name 'd/a.txt' includes path elements");
  CHECK(validate_file_name("d/a.txt", true) == "d/a.txt");
  CHECK_THROWS_WITH(validate_file_name("d/../a.txt", true), "Detected path traversal attempt in 'd/../a.txt'");
  CHECK_THROWS_AS(validate_file_name("/etc/passwd", true), SuspiciousFileOperation);
  CHECK_THROWS_AS(validate_file_name("d/..", true), SuspiciousFileOperation);
  CHECK(split_ext("d/a.tar.gz") == std::pair<std::string, std::string>{"d/a.tar", ".gz"});
  CHECK(split_ext(".bashrc") == std::pair<std::string, std::string>{".bashrc", ""});
  CHECK(split_ext("d.x/README") == std::pair<std::string, std::string>{"d.x/README", ""});
}

TEST_CASE("sanitize_upload_name as MultiPartParser.sanitize_file_name", "[files]") {
  CHECK(sanitize_upload_name("C:\\dir\\f.txt") == "f.txt");
  CHECK(sanitize_upload_name("../../etc/passwd") == "passwd");
  CHECK(sanitize_upload_name("a&amp;b&#233;.txt") == "a&bé.txt");
  CHECK(sanitize_upload_name("&lt;&gt;&quot;&#x41;") == "<>\"A");
  CHECK_FALSE(sanitize_upload_name(".."));
  CHECK_FALSE(sanitize_upload_name("x/."));
  // UploadedFile's name setter: over 255 characters, cut with the extension kept.
  auto long_name = sanitize_upload_name(std::string(300, 'a') + ".png");
  REQUIRE(long_name);
  CHECK(*long_name == std::string(251, 'a') + ".png");
}

TEST_CASE("FileField.generate_filename: upload_to with strftime, then get_valid_name", "[files]") {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 2;
  tm.tm_mday = 7;
  CHECK(generate_filename("docs/%Y/%m/%d", "my file.pdf", tm) == "docs/2026/03/07/my_file.pdf");
  CHECK(generate_filename("docs/%Y/", "a.pdf", tm) == "docs/2026/a.pdf");
  CHECK(generate_filename("", "x y.txt", tm) == "x_y.txt");
  CHECK(generate_filename("a/./b//", "x y.txt", tm) == "a/b/x_y.txt");
  CHECK_THROWS_AS(generate_filename("../up", "a.txt", tm), SuspiciousFileOperation);
  CHECK_THROWS_AS(generate_filename("docs", "%%%", tm), SuspiciousFileOperation);
}

TEST_CASE("Storage.get_available_name: random suffix while taken, root truncated to max_length", "[files]") {
  auto fixed = [] { return std::string("AbCdEf1"); };
  std::set<std::string> taken{"docs/a.txt", "docs/abcdefghijkl.txt"};
  auto exists = [&](const std::string& n) { return taken.count(n) > 0; };
  CHECK(get_available_name("docs/a.txt", 0, exists, fixed) == "docs/a_AbCdEf1.txt");
  CHECK(get_available_name("docs/b.txt", 0, exists, fixed) == "docs/b.txt");
  CHECK(get_available_name("docs/abcdefghijkl.txt", 20, exists, fixed) == "docs/abc_AbCdEf1.txt");
  CHECK(get_available_name("docs/ab.txt", 20, exists, fixed) == "docs/ab.txt");
  CHECK_THROWS_AS(get_available_name("docs/abc.txt", 11, exists, fixed), SuspiciousFileOperation);
  // Each retry draws a new suffix.
  int calls = 0;
  auto counting = [&] { return std::string(++calls < 3 ? "1111111" : "2222222"); };
  taken.insert("docs/a_1111111.txt");
  CHECK(get_available_name("docs/a.txt", 0, exists, counting) == "docs/a_2222222.txt");
  // The real suffix: seven characters of Django's alphabet.
  std::string r = random_alphanumerics(7);
  CHECK(r.size() == 7);
  CHECK(r.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos);
}

TEST_CASE("FileSystemStorage: save, path, url, size, remove", "[files]") {
  fs::path root = fs::temp_directory_path() / ("mvt-storage-" + random_alphanumerics(8));
  FileSystemStorage storage(root, "/media/");
  std::string first = storage.save("docs/2026/a b.txt", "hello", 100);
  CHECK(first == "docs/2026/a b.txt");
  CHECK(storage.exists(first));
  CHECK(storage.size(first) == 5);
  std::ifstream in(root / "docs/2026/a b.txt");
  std::string text;
  std::getline(in, text);
  CHECK(text == "hello");
  std::string second = storage.save("docs/2026/a b.txt", "again", 100);
  CHECK(second != first);
  CHECK(second.rfind("docs/2026/a b_", 0) == 0);
  CHECK(second.size() == first.size() + 8);
  CHECK(storage.url("docs/a b&c?#%é~!*()'.pdf") == "/media/docs/a%20b%26c%3F%23%25%C3%A9~!*()'.pdf");
  CHECK(FileSystemStorage(root, "https://cdn.example.com/m/").url("x.png") == "https://cdn.example.com/m/x.png");
  CHECK_THROWS_AS(storage.path("../outside.txt"), SuspiciousFileOperation);
  storage.remove(first);
  CHECK_FALSE(storage.exists(first));
  fs::remove_all(root);
}

TEST_CASE("sniff_image_format reads the signatures of common formats", "[files]") {
  using namespace std::string_literals;
  std::string png = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"s + std::string(17, '\0');
  CHECK(sniff_image_format(png) == "PNG");
  CHECK_FALSE(sniff_image_format(png.substr(0, 10)));  // truncated
  CHECK(sniff_image_format("\xff\xd8\xff\xe0rest"s) == "JPEG");
  CHECK(sniff_image_format("GIF89a"s + std::string(7, '\0')) == "GIF");
  CHECK(sniff_image_format("RIFF\x10\0\0\0WEBPVP8 "s) == "WEBP");
  CHECK(sniff_image_format("BM"s + std::string(12, '\0') + "\x28\0\0\0"s) == "BMP");
  CHECK_FALSE(sniff_image_format("BM"s + std::string(12, '\0') + "\x07\0\0\0"s));
  CHECK(sniff_image_format("\0\0\1\0\1\0"s + std::string(16, '\0')) == "ICO");
  CHECK(sniff_image_format("II*\0\x08\0\0\0"s) == "TIFF");
  CHECK_FALSE(sniff_image_format("hello, world"));
  CHECK_FALSE(sniff_image_format(""));
}

TEST_CASE("multipart uploads become request.FILES, plain parts request.POST", "[files]") {
  std::string seen;
  DevServer server{DevServerOptions{},
                   [&](HttpRequest& r) {
                     for (const auto& [k, v] : r.POST.items()) seen += "POST[" + k + "]=" + v + ";";
                     for (const auto& [k, files] : r.FILES)
                       for (const auto& f : files)
                         seen += "FILES[" + k + "]=" + f.name + "|" + f.content_type + "|" + f.content + ";";
                     return HttpResponse(200, "ok", "text/plain");
                   },
                   nullptr};
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"C:\\\\tmp\\\\a b.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nfile body\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"dots\"; filename=\"..\"\r\n\r\nx\r\n"
      "--XyZ--\r\n";
  std::string request = "POST /up/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string response = server.handle_buffer(request);
  CHECK(response.rfind("HTTP/1.1 200", 0) == 0);
  // A part without a file name is a form field (Django: filename="" is a
  // field); a name sanitised to '..' is dropped.
  CHECK(seen.find("POST[title]=Hello;") != std::string::npos);
  CHECK(seen.find("POST[empty]=;") != std::string::npos);
  CHECK(seen.find("FILES[doc]=a b.txt|text/plain|file body;") != std::string::npos);
  CHECK(seen.find("dots") == std::string::npos);
}
