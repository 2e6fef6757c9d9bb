// The official Node.js socket.io server (4.x) instrumented with @socket.io/admin-ui's
// instrument(), for the server-view tests.  Prints "READY http://127.0.0.1:<port>".
//
// Options (command line, all optional):
//   --auth USER:PASSWORD   basic auth on the admin namespace (hashed with bcrypt here, as
//                          instrument() wants it); without it auth is off (auth: false)
//   --readonly             instrument(readonly: true): no join / leave / disconnect / emit
//   --mode MODE            development (default) or production (aggregated stats only)
//   --namespace NAME       the admin namespace (instrument's namespaceName, default /admin)
//   --server-id ID         instrument's serverId (two nodes on one host need their own)
//   --redis URL            share rooms and admin messages through @socket.io/redis-adapter
//   --port N               listen on port N instead of a free one
//
// Namespaces: "/" and "/chat": join (ack {room, joined}), leave (ack), echo (ack with
// its arguments), said (broadcast to a room: {room, text}).
const http = require("http");
const { Server } = require("socket.io");
const { instrument } = require("@socket.io/admin-ui");
const bcrypt = require("bcryptjs");
const { parseArgs, serve } = require("./handlers");

const { flag, value } = parseArgs(process.argv);

function setup(nsp) {
  nsp.on("connection", (socket) => {
    const ack = (rest) => (typeof rest[rest.length - 1] === "function" ? rest[rest.length - 1] : () => {});
    socket.on("join", (room, ...rest) => { socket.join(room); ack(rest)({ room, joined: true }); });
    socket.on("leave", (room, ...rest) => { socket.leave(room); ack(rest)({ room, left: true }); });
    socket.on("echo", (...args) => {
      const cb = typeof args[args.length - 1] === "function" ? args.pop() : null;
      if (cb) cb(...args); else socket.emit("echo", ...args);
    });
    socket.on("said", (msg) => { nsp.to(msg.room).emit("said", msg); });
  });
}

async function main() {
  const httpServer = http.createServer();
  const io = new Server(httpServer, {});
  const redisUrl = value("--redis", "");
  if (redisUrl) {
    const { createClient } = require("redis");
    const { createAdapter } = require("@socket.io/redis-adapter");
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  setup(io.of("/"));
  setup(io.of("/chat"));
  const auth = value("--auth", "");
  let authOption = false;
  if (auth) {
    const [username, ...rest] = auth.split(":");
    authOption = { type: "basic", username, password: bcrypt.hashSync(rest.join(":"), 4) };
  }
  const options = {
    auth: authOption,
    readonly: flag("--readonly"),
    mode: value("--mode", "development"),
    namespaceName: value("--namespace", "/admin"),
  };
  const serverId = value("--server-id", "");
  if (serverId) options.serverId = serverId;
  instrument(io, options);
  serve(httpServer, io);
}

main().catch((err) => { console.error(err); process.exit(1); });
