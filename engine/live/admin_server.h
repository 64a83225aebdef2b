#pragma once

#include <memory>
#include <string>

#include "balancer/expected.h"
#include "engine/live/asio_types.h"
#include "engine/live/http_messages.h"

namespace faultline::live {

class Proxy;

// The proxy's admin endpoint, on its own listener (loopback by default, as Envoy's admin
// interface should be): `GET /metrics` in Prometheus's text format, `GET /hosts` (each backend's
// health, load and pooled connections, as Envoy's /clusters), and faults on the proxy's own calls
// to its backends, like Toxiproxy's toxics: `GET /faults`, `POST /faults` with a JSON fault,
// `DELETE /faults/ID`, `DELETE /faults`. One request per connection.
class AdminServer {
 public:
  static Expected<std::unique_ptr<AdminServer>, std::string> create(
      boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen, Proxy& proxy);
  ~AdminServer();

  void start();
  void stop();
  std::uint16_t port() const;

  // The answer to one admin request (also what the tests call directly).
  HttpResponse handle(const HttpRequest& request);

 private:
  AdminServer(boost::asio::io_context& io, Proxy& proxy);
  void accept();

  boost::asio::io_context& io_;
  Proxy& proxy_;
  Acceptor acceptor_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The Prometheus text exposition (format 0.0.4) of a proxy's counters and backends.
std::string prometheusMetrics(const Proxy& proxy);

}  // namespace faultline::live
