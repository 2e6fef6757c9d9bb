// The official Node.js socket.io server, 3.x (Engine.IO 4, Socket.IO protocol 5), for the
// inspector's end-to-end server rows (tests/interop/test_servers.py).  The npm alias
// socket.io-v3 (tests/node/package.json) is socket.io 3.1.
// Prints "READY http://127.0.0.1:<port>" once it listens (port 0: a free one).
//
// Options (command line, all optional):
//   --deflate             websocket permessage-deflate on (off by default)
//   --ping-interval MS --ping-timeout MS
//   --parser msgpack      socket.io-msgpack-parser (3.x, for socket.io 3 and 4)
//
// Namespaces and handlers: handlers.js (the same as server.js offers; 3.x has no
// connection state recovery).
const http = require("http");
const { Server } = require("socket.io-v3");
const { install, parseArgs, serve } = require("./handlers");

const { flag, value, number } = parseArgs(process.argv);

const options = {
  pingInterval: number("--ping-interval", 25000),
  pingTimeout: number("--ping-timeout", 20000),
  perMessageDeflate: flag("--deflate") ? { threshold: 0 } : false,
  maxHttpBufferSize: 64 * 1024 * 1024,
};
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
serve(httpServer, io);
