// The official socket.io-client, put through the same forced drop as the inspector,
// so a test can compare what each received.  Usage:
//   node js_client.js URL ROOM COUNT [--no-recovery-wait]
// Prints one JSON line: {"events": [[event, args], ...], "recovered": bool}.
const { io } = require("socket.io-client");

const [url, room, countText] = process.argv.slice(2);
const count = Number(countText || 5);
const socket = io(url, { transports: ["websocket"], reconnectionDelay: 200, randomizationFactor: 0 });
const events = [];
let connects = 0;
let finished = false;

function finish() {
  if (finished) return;
  finished = true;
  console.log(JSON.stringify({ events, recovered: socket.recovered }));
  socket.close();
  process.exit(0);
}

socket.onAny((event, ...args) => {
  // the JS client hands the offset to handlers as an extra argument; drop it to compare
  events.push([event, args.filter((a, i) => !(i === args.length - 1 && typeof a === "string"))]);
});
socket.on("connect", () => {
  connects += 1;
  if (connects === 1) {
    socket.emit("join", room, () => socket.emit("drop_and_emit", { room, count }));
  } else {
    setTimeout(finish, 500);
  }
});
setTimeout(finish, 15000);
