// The official Node.js socket.io server, 2.x (Engine.IO 3, Socket.IO protocol 4), for the
// inspector's end-to-end server rows (tests/interop/test_servers.py).  The npm alias
// socket.io-v2 (tests/node/package.json) is socket.io 2.5.
// Prints "READY http://127.0.0.1:<port>" once it listens (port 0: a free one).
//
// Options (command line, all optional):
//   --deflate             websocket permessage-deflate on (off by default here, as in
//                         server.js; socket.io 2.x itself defaults to on)
//   --ping-interval MS --ping-timeout MS
//
// Namespaces and handlers: handlers.js (the same as server.js offers).  2.x has no CONNECT
// payload: "/admin" takes its token from the handshake query (?token=demo-token).  No msgpack
// parser: socket.io-msgpack-parser 3.x speaks protocol 5 only.
const http = require("http");
const Server = require("socket.io-v2");
const { install, parseArgs, serve } = require("./handlers");

const { flag, value, number } = parseArgs(process.argv);
if (value("--parser", "json") !== "json") {
  console.error("server_v2.js has the JSON parser only");
  process.exit(2);
}

const httpServer = http.createServer();
const io = Server(httpServer, {
  pingInterval: number("--ping-interval", 25000),
  pingTimeout: number("--ping-timeout", 20000),
  perMessageDeflate: flag("--deflate") ? { threshold: 0 } : false,
  maxHttpBufferSize: 64 * 1024 * 1024,
});
install(io);
serve(httpServer, io);
