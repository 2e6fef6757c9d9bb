// The official Node.js socket.io server (4.x), for interop tests.
// Prints "READY http://127.0.0.1:<port>" once it listens (port 0: a free one).
//
// Options (command line, all optional):
//   --recovery            connection state recovery on
//   --max-disconnection MS  how long the server keeps a session for recovery (default 120000)
//   --deflate             websocket permessage-deflate on (off by default in socket.io)
//   --ping-interval MS --ping-timeout MS
//   --parser msgpack      socket.io-msgpack-parser instead of the default (JSON) parser
//   --connect-delay MS    every namespace answers a CONNECT MS later (a slow middleware)
//   --transports LIST     the transports the server accepts, comma-separated (default both)
//   --refuse MESSAGE      allowRequest refuses every handshake with MESSAGE (HTTP 403 on polling)
//   --port N              listen on port N instead of a free one (a restart on the same port)
//   --log-connections     print "CONNECT <ms> <sid> <recovered>" and "DISCONNECT <ms> <sid> <reason>"
//                         for "/" (the server's truth, for benchmarks/run.py)
//
// Namespaces and handlers: handlers.js (shared with server_v3.js and server_v2.js).
const http = require("http");
const { Server } = require("socket.io");
const { install, parseArgs, serve } = require("./handlers");

const { flag, value, number } = parseArgs(process.argv);

const options = {
  pingInterval: number("--ping-interval", 25000),
  pingTimeout: number("--ping-timeout", 20000),
  perMessageDeflate: flag("--deflate") ? { threshold: 0 } : false,
  maxHttpBufferSize: 64 * 1024 * 1024,
};
if (flag("--recovery")) {
  options.connectionStateRecovery = {
    maxDisconnectionDuration: number("--max-disconnection", 120000),
    skipMiddlewares: true,
  };
}
const transports = value("--transports", "");
if (transports) {
  options.transports = transports.split(",");
}
const refusal = value("--refuse", "");
if (refusal) {
  options.allowRequest = (req, callback) => callback(refusal, false);
}
const parser = value("--parser", "json");
if (parser === "msgpack") {
  options.parser = require("socket.io-msgpack-parser");
} else if (parser !== "json") {
  console.error(`unknown --parser ${parser} (json or msgpack)`);
  process.exit(2);
}

const httpServer = http.createServer();
const io = new Server(httpServer, options);
install(io);
const connectDelay = number("--connect-delay", 0);
if (connectDelay > 0) {
  for (const name of ["/", "/chat", "/admin"]) {
    io.of(name).use((socket, next) => setTimeout(next, connectDelay));
  }
}
if (flag("--log-connections")) {
  io.on("connection", (socket) => {
    console.log(`CONNECT ${Date.now()} ${socket.id} ${socket.recovered}`);
    socket.on("disconnect", (reason) => console.log(`DISCONNECT ${Date.now()} ${socket.id} ${reason}`));
  });
}
serve(httpServer, io);
