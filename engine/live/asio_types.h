#pragma once

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace faultline::live {

// Sockets and timers bound to the io_context's own executor type. Asio's defaults carry a
// type-erased any_io_executor, whose copies and queries showed up at several percent of the
// proxy's time under load (perf); everything in live mode runs on one io_context anyway.
using Executor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;

// Opens, binds (with SO_REUSEADDR, so a restarted proxy need not wait out TIME_WAIT) and listens;
// the error, if any, says "cannot listen on ADDRESS:PORT: why".
std::optional<std::string> listenOn(Acceptor& acceptor,
                                    const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace faultline::live
