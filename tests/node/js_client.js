// The official socket.io-client, put through the same forced drop as the inspector,
// so a test can compare what each received.  Usage:
//   node js_client.js URL ROOM COUNT [--no-recovery-wait]
// Prints one JSON line: {"events": [[event, args], ...], "recovered": bool}.
//   node js_client.js --burst URL COUNT [IDLE_MS]
// asks the server's "burst" handler for COUNT events and prints {"events", "seconds",
// "events_per_s", "disconnects"} once all came or none came for IDLE_MS (benchmarks/run.py).
const { io } = require("socket.io-client");

if (process.argv[2] === "--burst") {
  const [, , , burstUrl, burstCount, idleText] = process.argv;
  const want = Number(burstCount);
  const idle = Number(idleText || 10000);
  const sock = io(burstUrl, { transports: ["websocket"] });
  let got = 0, t0 = 0, last = 0, disconnects = 0, done = false;
  const end = () => {
    if (done) return;
    done = true;
    const seconds = (last - t0) / 1000;
    console.log(JSON.stringify({ events: got, seconds, events_per_s: seconds > 0 ? got / seconds : 0, disconnects }));
    sock.close();
    process.exit(0);
  };
  // the server may take many seconds to queue a large burst after writing its first event:
  // the idle clock runs from the second event on (and the whole run is capped at 20 x IDLE_MS)
  setInterval(() => {
    const now = performance.now();
    if (t0 && ((got > 1 && now - last > idle) || now - t0 > 20 * idle)) end();
  }, 500);
  sock.on("burst", () => {
    got += 1;
    last = performance.now();
    if (got === want) end();
  });
  sock.on("disconnect", () => { disconnects += 1; });
  sock.once("connect", () => {
    t0 = performance.now();
    last = t0;
    sock.emit("burst", { count: want });
  });
  return;
}

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
