// The emit cheatsheet on the official socket.io server: the `/cheatsheet` namespace that the
// demo server has (inspector/demo/cheatsheet.py), with the same events, payloads and acks, so
// the same three-client test says who received each line on both servers.
//
// A client emits a line's name with a spec ({data, room, rooms, ns, to}) and an ack; the
// server performs that form of emit with an event of the same name, payload
// {line, from, node, data}, and acks {line, form}.  On connect each socket gets `hello`
// {sid, node}.  Unlike python-socketio, socket.io has volatile and per-emit compression, so
// those two lines are the real thing here (no `note` in the ack).

const FORMS = {
  broadcast: "socket.broadcast.emit",
  to_room: "socket.to(room).emit",
  to_rooms: "socket.to(room1).to(room2).emit",
  in_room: "io.in(room).emit",
  of_namespace: "io.of(ns).emit",
  to_socket: "io.to(socketId).emit",
  local: "io.local.emit",
  all: "io.emit",
  volatile: "socket.volatile.emit",
  compress_false: "socket.compress(false).emit",
  with_ack: "socket.emit(event, data, ack)",
};
const NODE = "node";

function installCheatsheet(io) {
  const nsp = io.of("/cheatsheet");
  nsp.on("connection", (socket) => {
    socket.emit("hello", { sid: socket.id, node: NODE });
    const ack = (rest) => (typeof rest[rest.length - 1] === "function" ? rest.pop() : () => {});
    socket.on("join", (room, ...rest) => { socket.join(room); ack(rest)({ room, joined: true }); });
    socket.on("leave", (room, ...rest) => { socket.leave(room); ack(rest)({ room, left: true }); });
    for (const line of Object.keys(FORMS)) {
      socket.on(line, (spec, ...rest) => {
        const cb = ack(rest);
        spec = spec && typeof spec === "object" ? spec : {};
        const payload = { line, from: socket.id, node: NODE, data: spec.data === undefined ? null : spec.data };
        const room = spec.room || "room1";
        const rooms = spec.rooms || ["room1", "room2"];
        const answer = { line, form: FORMS[line] };
        switch (line) {
          case "broadcast": socket.broadcast.emit(line, payload); break;
          case "to_room": socket.to(room).emit(line, payload); break;
          case "to_rooms": socket.to(rooms[0]).to(rooms[1]).emit(line, payload); break;
          case "in_room": nsp.in(room).emit(line, payload); break;
          case "of_namespace": answer.ns = spec.ns || "/chat"; io.of(answer.ns).emit(line, payload); break;
          case "to_socket":
            if (typeof spec.to !== "string" || !spec.to) {
              cb({ error: 'to_socket needs {"to": a socket id (see `hello`)}' });
              return;
            }
            nsp.to(spec.to).emit(line, payload);
            break;
          case "local": nsp.local.emit(line, payload); break;
          case "all": nsp.emit(line, payload); break;
          case "volatile": socket.volatile.emit(line, payload); break;
          case "compress_false": socket.compress(false).emit(line, payload); break;
          case "with_ack":
            socket.emit(line, payload, (...args) => socket.emit("ack_answer", { line, answer: args }));
            break;
        }
        cb(answer);
      });
    }
  });
  return nsp;
}

module.exports = { installCheatsheet, FORMS };
