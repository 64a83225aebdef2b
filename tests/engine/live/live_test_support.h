#pragma once

// Clients for the live tests: real sockets on loopback, every wait bounded by a deadline (the
// io_context runs until the answer or the deadline; never a sleep).
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faultline::live::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Runs `io` until `done()` or the deadline; whether `done()` held.
inline bool runUntil(asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds deadline = 10s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    io.restart();
    io.run_one_for(10ms);
  }
  return true;
}

// Runs `io` for `span` of real time: for what must NOT happen within it.
inline void runFor(asio::io_context& io, std::chrono::milliseconds span) {
  io.restart();
  io.run_for(span);
}

// What a client saw: a response, or the error that ended the exchange.
struct Exchange {
  bool done = false;
  boost::system::error_code error;
  http::response<http::string_body> response;
  std::string raw;  // for raw exchanges: every byte the server sent until it closed

  unsigned status() const { return response.result_int(); }
  std::string header(const char* name) const { return std::string(response[name]); }
};

// One HTTP/1.1 request on a new connection to 127.0.0.1:`port`.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, std::uint16_t port, http::request<http::string_body> request)
      : socket_(io), port_(port), request_(std::move(request)) {}

  void start() {
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
                          [self = shared_from_this()](boost::system::error_code e) {
                            if (e) return self->finish(e);
                            http::async_write(self->socket_, self->request_,
                                              [self](boost::system::error_code error, std::size_t) {
                                                if (error) return self->finish(error);
                                                self->read();
                                              });
                          });
  }
  const Exchange& result() const { return result_; }

 private:
  void read() {
    http::async_read(
        socket_, buffer_, result_.response,
        [self = shared_from_this()](boost::system::error_code e, std::size_t) { self->finish(e); });
  }
  void finish(boost::system::error_code error) {
    result_.error = error;
    result_.done = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::uint16_t port_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  Exchange result_;
};

inline http::request<http::string_body> get(
    const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "test");
  for (const auto& [name, value] : headers)
    request.set(name, value);
  return request;
}

// Sends `request` and runs `io` until the answer (or the deadline).
inline Exchange send(asio::io_context& io, std::uint16_t port,
                     http::request<http::string_body> request,
                     std::chrono::milliseconds deadline = 10s) {
  auto client = std::make_shared<Client>(io, port, std::move(request));
  client->start();
  runUntil(
      io, [&] { return client->result().done; }, deadline);
  return client->result();
}

// Writes `bytes` as they are and reads whatever comes back until the server closes.
class RawClient : public std::enable_shared_from_this<RawClient> {
 public:
  RawClient(asio::io_context& io, std::uint16_t port, std::string bytes)
      : socket_(io), port_(port), bytes_(std::move(bytes)) {}

  void start() {
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
                          [self = shared_from_this()](boost::system::error_code e) {
                            if (e) return self->finish(e);
                            asio::async_write(self->socket_, asio::buffer(self->bytes_),
                                              [self](boost::system::error_code error, std::size_t) {
                                                if (error) return self->finish(error);
                                                self->read();
                                              });
                          });
  }
  const Exchange& result() const { return result_; }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](
                                                      boost::system::error_code e, std::size_t n) {
      self->result_.raw.append(self->chunk_.data(), n);
      if (e) return self->finish(e == asio::error::eof ? boost::system::error_code{} : e);
      self->read();
    });
  }
  void finish(boost::system::error_code error) {
    result_.error = error;
    result_.done = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::uint16_t port_;
  std::string bytes_;
  std::array<char, 4096> chunk_{};
  Exchange result_;
};

inline Exchange sendRaw(asio::io_context& io, std::uint16_t port, std::string bytes,
                        std::chrono::milliseconds deadline = 10s) {
  auto client = std::make_shared<RawClient>(io, port, std::move(bytes));
  client->start();
  runUntil(
      io, [&] { return client->result().done; }, deadline);
  return client->result();
}

// A server that answers by script, bytes as they are, for what a well-behaved backend would not
// send: reads until a blank line (and the body its Content-Length gives), answers with
// `respond(request_text)`, and keeps the connection unless the answer is empty (then it closes).
// Every request's text is kept in `requests`.
class ScriptedServer {
 public:
  using Respond = std::function<std::string(const std::string& request)>;

  ScriptedServer(asio::io_context& io, Respond respond)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        respond_(std::move(respond)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Closes every connection, as a backend's keep-alive timeout does.
  void closeAll() {
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) {
        boost::system::error_code ignored;
        c->socket.close(ignored);
      }
    }
  }
  std::vector<std::string> requests;

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string pending;
    std::array<char, 4096> chunk{};
    std::string answer;
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (error) return;
      auto connection = std::make_shared<Connection>(std::move(socket));
      connections_.push_back(connection);
      read(connection);
      accept();
    });
  }

  // The length of the first whole request in `text`, or 0.
  static std::size_t wholeRequest(const std::string& text) {
    const auto end = text.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    std::size_t length = 0;
    const auto at = text.find("Content-Length: ");
    if (at != std::string::npos && at < end) length = std::stoul(text.substr(at + 16));
    return text.size() >= end + 4 + length ? end + 4 + length : 0;
  }

  void read(std::shared_ptr<Connection> c) {
    c->socket.async_read_some(
        asio::buffer(c->chunk), [this, c](boost::system::error_code e, std::size_t n) {
          if (e) return;
          c->pending.append(c->chunk.data(), n);
          const std::size_t whole = wholeRequest(c->pending);
          if (whole == 0) return read(c);
          const std::string request = c->pending.substr(0, whole);
          c->pending.erase(0, whole);
          requests.push_back(request);
          c->answer = respond_(request);
          if (c->answer.empty()) {
            boost::system::error_code ignored;
            c->socket.close(ignored);
            return;
          }
          asio::async_write(c->socket, asio::buffer(c->answer),
                            [this, c](boost::system::error_code error, std::size_t) {
                              if (!error) read(c);
                            });
        });
  }

  tcp::acceptor acceptor_;
  Respond respond_;
  std::vector<std::weak_ptr<Connection>> connections_;
};

}  // namespace faultline::live::testing
