#pragma once

#include <boost/beast/http/message.hpp>
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
// Content-Length (its body was never sent).
void prepareDownstreamResponse(HttpResponse& response, bool keep_alive, bool head_request);

// How the balancer files a try that got an HTTP answer: 2xx and 3xx succeed, 4xx are the
// client's (the host is fine), 503 is an overloaded host refusing work, 502 and 504 are gateway
// errors (Envoy's gateway-error retry condition), other 5xx server errors.
balancer::Outcome outcomeOfStatus(unsigned status);

}  // namespace faultline::live
