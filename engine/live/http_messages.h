#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "balancer/request.h"

namespace faultline::live {

namespace http = boost::beast::http;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// A short text answer made by the proxy itself (a refusal, a bad gateway, a malformed request).
// `why` goes in the body and in the x-faultline-reason header, so a client can tell the proxy's
// answers from its backends'.
// The zone a request says it comes from in `header` (a decimal zone index); `fallback` when it
// says nothing readable (zone-aware routing ignores a zone it does not know).
std::uint32_t zoneFromHeader(const HttpRequest& request, const std::string& header,
                             std::uint32_t fallback);

HttpResponse proxyAnswer(http::status status, std::string_view why, unsigned version,
                         bool keep_alive);

// Turns a client's request into the one sent upstream (RFC 9110 7.6.1): the hop-by-hop headers
// (Connection and those it names, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding,
// Upgrade) go, the client's address is appended to X-Forwarded-For, and the request is
// HTTP/1.1 keep-alive with a Content-Length of its (already whole) body.
void prepareUpstreamRequest(HttpRequest& request, std::string_view client_address);

// Turns a backend's response into the one sent to the client: hop-by-hop headers go, and the
// client's keep-alive wish decides the Connection header. A HEAD response keeps the backend's
// Content-Length (its body was never sent), and so do 204 and 304, which have none.
void prepareDownstreamResponse(HttpResponse& response, bool keep_alive, bool head_request);

// A message's head as one contiguous string, written field by field: Beast's serializer walks
// a concatenation of one buffer per header line, which showed at several percent of the proxy's
// time under load; the bytes are the same.
template <bool kIsRequest>
std::string headBytes(const http::message<kIsRequest, http::string_body>& message) {
  std::string head;
  head.reserve(256);
  const auto append = [&head](boost::beast::string_view text) {
    head.append(text.data(), text.size());
  };
  const unsigned version = message.version();
  const char http_version[] = {'H', 'T',
                               'T', 'P',
                               '/', static_cast<char>('0' + version / 10 % 10),
                               '.', static_cast<char>('0' + version % 10)};
  if constexpr (kIsRequest) {
    append(message.method_string());
    head += ' ';
    append(message.target());
    head += ' ';
    head.append(http_version, sizeof http_version);
  } else {
    head.append(http_version, sizeof http_version);
    head += ' ';
    head += std::to_string(message.result_int());
    head += ' ';
    const auto reason = message.reason();
    append(reason.empty() ? http::obsolete_reason(message.result()) : reason);
  }
  head += "\r\n";
  for (const auto& field : message) {
    append(field.name_string());
    head += ": ";
    append(field.value());
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

// A message as written: its head with a small body appended, so that one buffer goes out (Asio
// sends one buffer with send(), several with sendmsg(), which the kernel charges more for under
// load); a large body stays where it is, written after the head without a copy.
struct Wire {
  std::string bytes;
  const std::string* body_apart = nullptr;
};

template <bool kIsRequest>
Wire wireOf(std::string head, const http::message<kIsRequest, http::string_body>& message) {
  constexpr std::size_t kLargestInlineBody = 16 * 1024;
  Wire wire{std::move(head), nullptr};
  if (message.body().size() <= kLargestInlineBody) {
    wire.bytes += message.body();
  } else {
    wire.body_apart = &message.body();
  }
  return wire;
}

// Writes a Wire (which must outlive the write), then calls `done(error, bytes)`.
template <class Stream, class Done>
void asyncWriteWire(Stream& stream, const Wire& wire, Done&& done) {
  if (wire.body_apart == nullptr) {
    boost::asio::async_write(stream, boost::asio::buffer(wire.bytes), std::forward<Done>(done));
    return;
  }
  const std::array<boost::asio::const_buffer, 2> buffers{boost::asio::buffer(wire.bytes),
                                                         boost::asio::buffer(*wire.body_apart)};
  boost::asio::async_write(stream, buffers, std::forward<Done>(done));
}

// How the balancer files a try that got an HTTP answer: 2xx and 3xx succeed, 4xx are the
// client's (the host is fine), 503 is an overloaded host refusing work, 502 and 504 are gateway
// errors (Envoy's gateway-error retry condition), other 5xx server errors.
balancer::Outcome outcomeOfStatus(unsigned status);

}  // namespace faultline::live
