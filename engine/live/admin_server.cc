#include "engine/live/admin_server.h"

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/live/proxy.h"

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;
using nlohmann::json;

namespace {

// One admin connection: a request, its answer, closed.
class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(Socket socket, AdminServer& server, std::shared_ptr<bool> alive)
      : socket_(std::move(socket)), server_(server), alive_(std::move(alive)) {
    parser_.header_limit(16 * 1024);
    parser_.body_limit(64 * 1024);
  }

  void start() {
    http::async_read(socket_, buffer_, parser_,
                     [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                       if (!*self->alive_) return;
                       if (error == http::error::end_of_stream) return;
                       self->response_ = error ? proxyAnswer(http::status::bad_request,
                                                             error.message(), 11, false)
                                               : self->server_.handle(self->parser_.get());
                       self->response_.keep_alive(false);
                       http::async_write(self->socket_, self->response_,
                                         [self](boost::system::error_code, std::size_t) {
                                           boost::system::error_code ignored;
                                           self->socket_.shutdown(Socket::shutdown_send, ignored);
                                         });
                     });
  }

 private:
  Socket socket_;
  AdminServer& server_;
  std::shared_ptr<bool> alive_;
  boost::beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  HttpResponse response_;
};

HttpResponse jsonAnswer(http::status status, const json& body) {
  HttpResponse response{status, 11};
  response.set(http::field::server, "faultline");
  response.set(http::field::content_type, "application/json");
  response.body() = body.dump(2) + "\n";
  response.prepare_payload();
  return response;
}

HttpResponse problem(http::status status, const std::string& why) {
  return jsonAnswer(status, json{{"error", why}});
}

const char* kindName(UpstreamFault::Kind kind) {
  switch (kind) {
    case UpstreamFault::Kind::kLatency:
      return "latency";
    case UpstreamFault::Kind::kErrors:
      return "errors";
    case UpstreamFault::Kind::kReset:
      return "reset";
    case UpstreamFault::Kind::kRefused:
      return "refused";
  }
  return "unknown";
}

json toJson(const UpstreamFault& fault) {
  json out{{"id", fault.id},
           {"kind", kindName(fault.kind)},
           {"backend", fault.backend},
           {"probability", fault.probability}};
  if (fault.kind == UpstreamFault::Kind::kLatency) {
    out["latencyMs"] = std::chrono::duration<double, std::milli>(fault.latency).count();
  }
  if (fault.kind == UpstreamFault::Kind::kErrors) out["status"] = fault.status;
  return out;
}

// A fault from its JSON; the error names the field at fault.
Expected<UpstreamFault, std::string> faultOf(const std::string& body, const Proxy& proxy) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Unexpected(std::string("the body must be a JSON object"));
  }
  for (const auto& [key, value] : parsed.items()) {
    if (key != "kind" && key != "backend" && key != "probability" && key != "latencyMs" &&
        key != "status") {
      return Unexpected(key +
                        ": not a field of a fault (kind, backend, probability, "
                        "latencyMs, status)");
    }
  }
  UpstreamFault fault;
  const auto kind = parsed.find("kind");
  if (kind == parsed.end() || !kind->is_string()) {
    return Unexpected(std::string("kind: required, one of latency, errors, reset, refused"));
  }
  const std::string name = kind->get<std::string>();
  if (name == "latency") {
    fault.kind = UpstreamFault::Kind::kLatency;
  } else if (name == "errors") {
    fault.kind = UpstreamFault::Kind::kErrors;
  } else if (name == "reset") {
    fault.kind = UpstreamFault::Kind::kReset;
  } else if (name == "refused") {
    fault.kind = UpstreamFault::Kind::kRefused;
  } else {
    return Unexpected("kind: \"" + name + "\" is not one of latency, errors, reset, refused");
  }
  if (const auto backend = parsed.find("backend"); backend != parsed.end()) {
    if (!backend->is_string()) return Unexpected(std::string("backend: must be a string"));
    fault.backend = backend->get<std::string>();
    const auto& backends = proxy.config().backends;
    const bool known = std::any_of(backends.begin(), backends.end(),
                                   [&](const auto& b) { return b.name == fault.backend; });
    if (!known) return Unexpected("backend: no backend is named \"" + fault.backend + "\"");
  }
  if (const auto p = parsed.find("probability"); p != parsed.end()) {
    if (!p->is_number() || !(p->get<double>() > 0) || p->get<double>() > 1) {
      return Unexpected(std::string("probability: must be a number in (0, 1]"));
    }
    fault.probability = p->get<double>();
  }
  if (fault.kind == UpstreamFault::Kind::kLatency) {
    const auto latency = parsed.find("latencyMs");
    constexpr double kLongestMs = 3'600'000;
    if (latency == parsed.end() || !latency->is_number() || !(latency->get<double>() >= 0) ||
        latency->get<double>() > kLongestMs) {
      return Unexpected(std::string("latencyMs: required for latency, 0 to 3600000"));
    }
    fault.latency = std::chrono::duration_cast<balancer::Duration>(
        std::chrono::duration<double, std::milli>(latency->get<double>()));
  }
  if (fault.kind == UpstreamFault::Kind::kErrors) {
    if (const auto status = parsed.find("status"); status != parsed.end()) {
      if (!status->is_number_integer() || status->get<int>() < 400 || status->get<int>() > 599) {
        return Unexpected(std::string("status: must be an integer from 400 to 599"));
      }
      fault.status = status->get<unsigned>();
    }
  }
  return fault;
}

json hostsJson(const Proxy& proxy) {
  json hosts = json::array();
  const auto& backends = proxy.config().backends;
  const auto& balancer = proxy.balancer();
  for (std::size_t i = 0; i < backends.size(); ++i) {
    const auto host = static_cast<balancer::HostIndex>(i);
    hosts.push_back({{"name", backends[i].name},
                     {"healthy", balancer.hosts().isHealthy(host)},
                     {"activeRequests", balancer.load()[host].active_requests},
                     {"priority", backends[i].level},
                     {"weight", backends[i].weight},
                     {"idleConnections", proxy.idleUpstreamConnections(i)}});
  }
  return json{{"strategy", proxy.config().strategy}, {"hosts", hosts}};
}

// Prometheus label values escape backslash, double quote and newline.
std::string labelValue(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string prometheusMetrics(const Proxy& proxy) {
  std::ostringstream out;
  const auto& c = proxy.counters();
  const auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
        << name << ' ' << value << '\n';
  };
  counter("faultline_proxy_requests_total", "Requests forwarded or refused by the balancer.",
          c.requests);
  out << "# HELP faultline_proxy_responses_total Responses to clients by status class.\n"
      << "# TYPE faultline_proxy_responses_total counter\n"
      << "faultline_proxy_responses_total{code=\"2xx\"} " << c.responses_2xx << '\n'
      << "faultline_proxy_responses_total{code=\"4xx\"} " << c.responses_4xx << '\n'
      << "faultline_proxy_responses_total{code=\"5xx\"} " << c.responses_5xx << '\n';
  counter("faultline_proxy_tries_total", "Tries sent to backends, retries and hedges included.",
          c.tries);
  counter("faultline_proxy_retries_total", "Retries sent.", c.retries);
  counter("faultline_proxy_hedges_total", "Hedged tries sent.", c.hedges);
  counter("faultline_proxy_refused_total",
          "Requests the balancer refused (no healthy host, circuit open, rate limited, shed).",
          c.refused);
  counter("faultline_proxy_malformed_requests_total",
          "Requests answered 400, 408, 413 or 431 without forwarding.", c.malformed);
  out << "# HELP faultline_proxy_client_connections Client connections open.\n"
      << "# TYPE faultline_proxy_client_connections gauge\n"
      << "faultline_proxy_client_connections " << proxy.openConnections() << '\n';
  const auto& backends = proxy.config().backends;
  const auto& balancer = proxy.balancer();
  const auto gauge = [&](const char* name, const char* help, auto value_of) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
    for (std::size_t i = 0; i < backends.size(); ++i) {
      out << name << "{backend=\"" << labelValue(backends[i].name) << "\"} " << value_of(i) << '\n';
    }
  };
  gauge("faultline_upstream_healthy", "1 while the balancer uses the backend.", [&](std::size_t i) {
    return balancer.hosts().isHealthy(static_cast<balancer::HostIndex>(i)) ? 1 : 0;
  });
  gauge("faultline_upstream_active_requests", "Requests at the backend (Envoy's rq_active).",
        [&](std::size_t i) { return balancer.load()[i].active_requests; });
  gauge("faultline_upstream_idle_connections", "Pooled keep-alive connections to the backend.",
        [&](std::size_t i) { return proxy.idleUpstreamConnections(i); });
  return out.str();
}

Expected<std::unique_ptr<AdminServer>, std::string> AdminServer::create(asio::io_context& io,
                                                                        const tcp::endpoint& listen,
                                                                        Proxy& proxy) {
  std::unique_ptr<AdminServer> server(new AdminServer(io, proxy));
  if (auto error = listenOn(server->acceptor_, listen)) return Unexpected("admin: " + *error);
  return server;
}

AdminServer::AdminServer(asio::io_context& io, Proxy& proxy)
    : io_(io), proxy_(proxy), acceptor_(io) {}

AdminServer::~AdminServer() {
  stop();
}

void AdminServer::start() {
  accept();
}

void AdminServer::stop() {
  *alive_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::uint16_t AdminServer::port() const {
  boost::system::error_code error;
  const auto endpoint = acceptor_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AdminServer::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code error, Socket socket) {
    if (!*alive) return;
    if (!error) std::make_shared<AdminSession>(std::move(socket), *this, alive)->start();
    if (error != asio::error::operation_aborted) accept();
  });
}

HttpResponse AdminServer::handle(const HttpRequest& request) {
  const std::string target(request.target());
  const auto method = request.method();
  if (target == "/metrics") {
    if (method != http::verb::get) return problem(http::status::method_not_allowed, "GET only");
    HttpResponse response{http::status::ok, 11};
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = prometheusMetrics(proxy_);
    response.prepare_payload();
    return response;
  }
  if (target == "/hosts") {
    if (method != http::verb::get) return problem(http::status::method_not_allowed, "GET only");
    return jsonAnswer(http::status::ok, hostsJson(proxy_));
  }
  auto& faults = proxy_.upstreamFaults();
  if (target == "/faults") {
    if (method == http::verb::get) {
      json list = json::array();
      for (const auto& fault : faults.faults())
        list.push_back(toJson(fault));
      return jsonAnswer(http::status::ok, list);
    }
    if (method == http::verb::delete_) {
      faults.clear();
      return jsonAnswer(http::status::ok, json::array());
    }
    if (method != http::verb::post) {
      return problem(http::status::method_not_allowed, "GET, POST or DELETE");
    }
    auto fault = faultOf(request.body(), proxy_);
    if (!fault) return problem(http::status::bad_request, fault.error());
    return jsonAnswer(http::status::created, toJson(faults.add(*fault)));
  }
  constexpr std::string_view kFault = "/faults/";
  if (target.rfind(kFault, 0) == 0) {
    if (method != http::verb::delete_) return problem(http::status::method_not_allowed, "DELETE");
    std::uint64_t id = 0;
    const std::string digits = target.substr(kFault.size());
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        !faults.remove(id)) {
      return problem(http::status::not_found, "no fault " + digits);
    }
    return jsonAnswer(http::status::ok, json{{"removed", id}});
  }
  return problem(http::status::not_found, "unknown: try /metrics, /hosts or /faults");
}

}  // namespace faultline::live
