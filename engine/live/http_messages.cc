#include "engine/live/http_messages.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <charconv>
#include <string>
#include <vector>

namespace faultline::live {
namespace {

// Removes Connection and every header it names, then the fixed hop-by-hop set.
// Headers that Connection may not take away: what frames the message and says whom it is for.
bool endToEndForSure(boost::beast::string_view name) {
  return boost::beast::iequals(name, "host") || boost::beast::iequals(name, "content-length") ||
         boost::beast::iequals(name, "transfer-encoding");
}

template <class Fields>
void removeHopByHop(Fields& fields) {
  std::vector<std::string> named;
  for (const auto& token : http::token_list(fields[http::field::connection])) {
    if (!endToEndForSure(token)) named.emplace_back(token);
  }
  for (const auto& name : named)
    fields.erase(name);
  for (const auto field : {http::field::connection, http::field::keep_alive,
                           http::field::proxy_connection, http::field::te, http::field::trailer,
                           http::field::transfer_encoding, http::field::upgrade}) {
    fields.erase(field);
  }
}

}  // namespace

std::uint32_t zoneFromHeader(const HttpRequest& request, const std::string& header,
                             std::uint32_t fallback) {
  if (header.empty()) return fallback;
  const auto said = request[header];
  std::uint32_t zone = 0;
  const auto [end, error] = std::from_chars(said.data(), said.data() + said.size(), zone);
  return error == std::errc() && end == said.data() + said.size() ? zone : fallback;
}

HttpResponse proxyAnswer(http::status status, std::string_view why, unsigned version,
                         bool keep_alive) {
  HttpResponse response{status, version};
  response.set(http::field::server, "faultline");
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set("x-faultline-reason", boost::beast::string_view(why.data(), why.size()));
  response.body() = std::string(why) + "\n";
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

void prepareUpstreamRequest(HttpRequest& request, std::string_view client_address) {
  removeHopByHop(request);
  // The proxy answered any `Expect: 100-continue` itself and has the whole body: a backend asked
  // to continue would send an interim 100 the client never sees.
  request.erase(http::field::expect);
  constexpr const char* kForwardedFor = "X-Forwarded-For";  // Beast 1.74 has no field for it
  std::string chain(request[kForwardedFor]);
  if (!chain.empty()) chain += ", ";
  chain += client_address;
  request.set(kForwardedFor, chain);
  request.version(11);
  request.keep_alive(true);
  request.prepare_payload();
}

void prepareDownstreamResponse(HttpResponse& response, bool keep_alive, bool head_request) {
  const auto length = response[http::field::content_length];
  const std::string head_length = head_request ? std::string(length) : std::string();
  removeHopByHop(response);
  const unsigned status = response.result_int();
  const bool bodiless = status < 200 || status == 204 || status == 304;  // RFC 9110 6.4.1
  if (head_request) {
    if (!head_length.empty()) response.set(http::field::content_length, head_length);
  } else if (bodiless) {
    response.body().clear();  // and its Content-Length, if any, as the backend sent it
  } else {
    response.prepare_payload();
  }
  response.keep_alive(keep_alive);
}

balancer::Outcome outcomeOfStatus(unsigned status) {
  if (status < 400) return balancer::Outcome::kSuccess;
  if (status < 500) return balancer::Outcome::kClientError;
  if (status == 503) return balancer::Outcome::kOverloaded;
  if (status == 502 || status == 504) return balancer::Outcome::kGatewayError;
  return balancer::Outcome::kServerError;
}

}  // namespace faultline::live
