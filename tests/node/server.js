// The official Node.js socket.io server, for interop tests.
// Prints "READY http://127.0.0.1:<port>" once it listens (port 0: a free one).
//
// Options (command line, all optional):
//   --recovery            connection state recovery on
//   --max-disconnection MS  how long the server keeps a session for recovery (default 120000)
//   --deflate             websocket permessage-deflate on (off by default in socket.io)
//   --ping-interval MS --ping-timeout MS
//
// Namespaces: "/" and "/chat" (echo, join, leave, broadcast, burst, drop, drop_and_emit,
// emit_numbers, history, ask) and "/admin" (auth {"token": "demo-token"}).
const http = require("http");
const { Server } = require("socket.io");

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : dflt;
};

const options = {
  pingInterval: value("--ping-interval", 25000),
  pingTimeout: value("--ping-timeout", 20000),
  perMessageDeflate: flag("--deflate") ? { threshold: 0 } : false,
  maxHttpBufferSize: 64 * 1024 * 1024,
};
if (flag("--recovery")) {
  options.connectionStateRecovery = {
    maxDisconnectionDuration: value("--max-disconnection", 120000),
    skipMiddlewares: true,
  };
}

const httpServer = http.createServer();
const io = new Server(httpServer, options);
const received = []; // [ns, event, args] in arrival order

function setup(nsp) {
  nsp.on("connection", (socket) => {
    socket.emit("welcome", { id: socket.id, recovered: socket.recovered, rooms: [...socket.rooms] });
    socket.onAny((event, ...rest) => {
      const clean = rest.filter((a) => typeof a !== "function");
      received.push([nsp.name, event, clean]);
    });
    const ack = (rest) => (typeof rest[rest.length - 1] === "function" ? rest.pop() : () => {});

    socket.on("echo", (...rest) => { const cb = ack(rest); cb(...rest); });
    socket.on("join", (room, ...rest) => { socket.join(room); ack(rest)({ room, joined: true }); });
    socket.on("leave", (room, ...rest) => { socket.leave(room); ack(rest)({ room, left: true }); });
    socket.on("history", (...rest) => ack(rest)(received.filter((r) => r[1] !== "history")));
    socket.on("broadcast", (spec, ...rest) => {
      nsp.to(spec.room).emit(spec.event || "room_message", { room: spec.room, data: spec.data });
      ack(rest)({ room: spec.room });
    });
    socket.on("burst", (spec, ...rest) => {
      const count = (spec && spec.count) || 100;
      const event = (spec && spec.event) || "burst";
      for (let i = 0; i < count; i++) socket.emit(event, { i });
      ack(rest)({ sent: count });
    });
    socket.on("ask", (question, ...rest) => {
      socket.emit("question", question, (...answer) => socket.emit("answer_received", { question, answer }));
      ack(rest)({ asked: question });
    });
    // Cut this client's transport (as a network failure would), optionally emitting
    // `count` numbered events to `room` while it is gone.
    socket.on("drop_and_emit", (spec, ...rest) => {
      spec = spec || {};
      ack(rest)({ dropping: true });
      setTimeout(() => {
        socket.conn.close();
        setTimeout(() => {
          for (let n = 1; n <= (spec.count || 0); n++) {
            nsp.to(spec.room || "numbers").emit(spec.event || "number", { seq: n });
          }
        }, spec.emit_after_ms || 50);
      }, 20);
    });
    socket.on("drop", (...rest) => { ack(rest)({ dropping: true }); setTimeout(() => socket.conn.close(), 20); });
    socket.on("emit_numbers", (spec, ...rest) => {
      spec = spec || {};
      const start = spec.start || 1, count = spec.count || 10, interval = spec.interval_ms || 20;
      let n = start;
      const timer = setInterval(() => {
        nsp.to(spec.room || "numbers").emit(spec.event || "number", { seq: n });
        n += 1;
        if (n >= start + count) clearInterval(timer);
      }, interval);
      ack(rest)({ from: start, count });
    });
  });
}

setup(io.of("/"));
setup(io.of("/chat"));
const admin = io.of("/admin");
admin.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === "demo-token") return next();
  const err = new Error("unauthorized");
  err.data = { hint: "send auth {\"token\": \"demo-token\"}" };
  next(err);
});
setup(admin);

httpServer.listen(0, "127.0.0.1", () => {
  const { port } = httpServer.address();
  console.log(`READY http://127.0.0.1:${port}`);
});
const stop = () => { io.close(); httpServer.close(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
