// The interop servers' namespaces and handlers, shared by server.js (socket.io 4.x),
// server_v3.js (3.x) and server_v2.js (2.x), so every server generation offers the same ones.
//
// Namespaces: "/" and "/chat" (echo, join, leave, broadcast, burst, drop, drop_and_emit,
// emit_numbers, history, ask), "/cheatsheet" (the emit cheatsheet: cheatsheet.js) and
// "/admin" (auth {"token": "demo-token"}; on 2.x, which has no CONNECT payload, the token may
// come as the handshake query `?token=demo-token`).
//
// What differs between the generations is bridged here: onAny (3.x+; 2.x has socket.use),
// socket.rooms (a Set since 3.x, an object in 2.x), handshake.auth (3.x+).

const { installCheatsheet } = require("./cheatsheet");

function onAny(socket, fn) {
  if (typeof socket.onAny === "function") {
    socket.onAny(fn);
  } else {
    socket.use((packet, next) => { fn(...packet); next(); });   // 2.x: [event, ...args]
  }
}

function roomsOf(socket) {
  return socket.rooms instanceof Set ? [...socket.rooms] : Object.keys(socket.rooms || {});
}

function install(io) {
  const received = []; // [ns, event, args] in arrival order

  function setup(nsp) {
    nsp.on("connection", (socket) => {
      socket.emit("welcome", { id: socket.id, recovered: socket.recovered, rooms: roomsOf(socket) });
      onAny(socket, (event, ...rest) => {
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
  installCheatsheet(io);      // the emit cheatsheet (cheatsheet.js)
  const admin = io.of("/admin");
  admin.use((socket, next) => {
    const hs = socket.handshake;
    const token = (hs.auth && hs.auth.token) || (hs.query && hs.query.token);
    if (token === "demo-token") return next();
    const err = new Error("unauthorized");
    err.data = { hint: "send auth {\"token\": \"demo-token\"}" };
    next(err);
  });
  setup(admin);
}

// Command-line options every server shares.
function parseArgs(argv) {
  const args = argv.slice(2);
  const flag = (name) => args.includes(name);
  const value = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
  };
  return { flag, value, number: (name, dflt) => Number(value(name, dflt)) };
}

// Listen on 127.0.0.1, port 0 (or `--port N`: a server restarted on the port of the one it
// replaces), print READY, close on SIGTERM / SIGINT.
function serve(httpServer, io) {
  httpServer.listen(parseArgs(process.argv).number("--port", 0), "127.0.0.1", () => {
    const { port } = httpServer.address();
    console.log(`READY http://127.0.0.1:${port}`);
  });
  const stop = () => { io.close(); httpServer.close(); process.exit(0); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

module.exports = { install, parseArgs, serve };
