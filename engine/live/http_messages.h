#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
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

// A message's head as one contiguous string. Beast writes a head as one buffer per header line,
// which the kernel copies piece by piece (sendmsg with a dozen iovecs); two buffers, the head and
// the body, cost measurably less per request under load.
template <bool kIsRequest>
std::string headBytes(const http::message<kIsRequest, http::string_body>& message) {
  http::serializer<kIsRequest, http::string_body> serializer{message};
  serializer.split(true);
  std::string head;
  boost::system::error_code error;
  while (!error && !serializer.is_header_done()) {
    serializer.next(error, [&](boost::system::error_code&, const auto& buffers) {
      std::size_t taken = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        head.append(static_cast<const char*>(buffer.data()), buffer.size());
        taken += buffer.size();
      }
      serializer.consume(taken);
    });
  }
  return head;
}

// The buffers to write a message whose head headBytes() gave: the head, then the body (none for
// a HEAD response or a body the head says is not there).
template <bool kIsRequest>
std::array<boost::asio::const_buffer, 2> wireBuffers(
    const std::string& head, const http::message<kIsRequest, http::string_body>& message) {
  return {boost::asio::buffer(head), boost::asio::buffer(message.body())};
}

// How the balancer files a try that got an HTTP answer: 2xx and 3xx succeed, 4xx are the
// client's (the host is fine), 503 is an overloaded host refusing work, 502 and 504 are gateway
// errors (Envoy's gateway-error retry condition), other 5xx server errors.
balancer::Outcome outcomeOfStatus(unsigned status);

}  // namespace faultline::live
