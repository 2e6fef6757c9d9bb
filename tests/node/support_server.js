// socket.io-client's own test server, ported to plain JavaScript for Node 20, for the
// inspector's ports of socket.io-client's test cases (tests/interop/test_client_*.py).
//
// Ported from packages/socket.io-client/test/support/server.ts of the socket.io monorepo,
// commit d2d753fed4435015c2d83fe62e676b44e07fa3f7 (that file last changed in
// 09f573cad83c2da33ade0afd0ee3c6d41e1d60c3), against socket.io 4.8.1 (tests/node/package.json).
// Same options (pingInterval 2000, connectionStateRecovery {}, allowRequest with a 10 ms
// delay), same namespaces (/, /foo, /timeout_socket, /valid, /asd, /abc, /no), same
// middlewares and handlers, registered in the same order.
//
// Changed, and why:
// - It listens on 127.0.0.1, port 0 (a free one), not on port 3210, and prints
//   "READY http://127.0.0.1:<port>" once it listens (as server.js does), so tests can run
//   side by side.  SIGTERM / SIGINT close it.
// - expect.js (a test dependency upstream) is replaced by node:assert, with the same checks.
//   Upstream such a failed check throws inside mocha's process and fails the run; here an
//   uncaught exception is printed as `UNCAUGHT <message>` on stdout and the server goes on, so
//   the fixture (tests/interop/conftest.py) fails the test that caused it and the next tests
//   still have a server.
//
// Added (nothing that a client can see changes), and why:
// - Observation lines on stdout, `SAW <json>`, one per thing the server saw: a socket's
//   connection (namespace, socket id, recovered, handshake query and auth), every event it
//   received (name, arguments, whether an ack was asked), and its disconnection with the
//   server's reason ("client namespace disconnect", "transport close", ...).  Upstream the
//   client tests run in the server's process and only look at the client; the inspector's
//   ports also assert what the server saw (the order of what arrived, a goodbye that arrived
//   as one).  The listeners are added after upstream's, so upstream's run first.  Also one
//   `SAW {"kind": "ack", ...}` per ACK packet received (the raw packet), whether or not a
//   callback still waited for it.
// - One handler, on "/": `_send_undecodable` writes a Socket.IO packet that cannot be decoded
//   ("bad", as Engine.IO message "4bad").  Upstream's "should close the engine upon decoding
//   exception" injects that packet into the client's engine by hand; end to end it must come
//   from the server.  Its name starts with "_" so no upstream case can collide with it.
const http = require("http");
const assert = require("assert");
const { Server } = require("socket.io");

function createServer(httpServer) {
  const server = new Server(httpServer, {
    pingInterval: 2000,
    connectionStateRecovery: {},
    allowRequest: (req, callback) => {
      // add a fixed delay to test the connection timeout on the client side
      setTimeout(() => callback(null, true), 10);
    },
  });

  server.of("/foo").on("connection", (socket) => {
    socket.on("getId", (cb) => {
      cb(socket.id);
    });
  });

  server.of("/timeout_socket").on("connection", () => {
    // register namespace
  });

  server.of("/valid").on("connection", () => {
    // register namespace
  });

  server.of("/asd").on("connection", () => {
    // register namespace
  });

  server.of("/abc").on("connection", (socket) => {
    socket.emit("handshake", socket.handshake);
  });

  server.use((socket, next) => {
    if (socket.request._query.fail)
      return next(new Error("Auth failed (main namespace)"));
    next();
  });

  server.of("/no").use((socket, next) => {
    next(new Error("Auth failed (custom namespace)"));
  });

  server.on("connection", (socket) => {
    // simple test
    socket.on("hi", () => {
      socket.emit("hi");
    });

    socket.on("echo", (arg, cb) => {
      cb(arg);
    });

    // ack tests
    socket.on("ack", () => {
      socket.emit("ack", (a, b) => {
        if (a === 5 && b.test) {
          socket.emit("got it");
        }
      });
    });

    socket.on("getAckDate", (data, cb) => {
      cb(new Date());
    });

    socket.on("getDate", () => {
      socket.emit("takeDate", new Date());
    });

    socket.on("getDateObj", () => {
      socket.emit("takeDateObj", { date: new Date() });
    });

    socket.on("getUtf8", () => {
      socket.emit("takeUtf8", "てすと");
      socket.emit("takeUtf8", "Я Б Г Д Ж Й");
      socket.emit("takeUtf8", "Ä ä Ü ü ß");
      socket.emit("takeUtf8", "utf8 — string");
      socket.emit("takeUtf8", "utf8 — string");
    });

    // false test
    socket.on("false", () => {
      socket.emit("false", false);
    });

    // binary test
    socket.on("doge", () => {
      const buf = Buffer.from("asdfasdf", "utf8");
      socket.emit("doge", buf);
    });

    // expect receiving binary to be buffer
    socket.on("buffa", (a) => {
      if (Buffer.isBuffer(a)) socket.emit("buffack");
    });

    // expect receiving binary with mixed JSON
    socket.on("jsonbuff", (a) => {
      assert.deepStrictEqual(a.hello, "lol");
      assert.strictEqual(Buffer.isBuffer(a.message), true);
      assert.deepStrictEqual(a.goodbye, "gotcha");
      socket.emit("jsonbuff-ack");
    });

    // expect receiving buffers in order
    let receivedAbuff1 = false;
    socket.on("abuff1", (a) => {
      assert.strictEqual(Buffer.isBuffer(a), true);
      receivedAbuff1 = true;
    });
    socket.on("abuff2", (a) => {
      assert.strictEqual(receivedAbuff1, true);
      socket.emit("abuff2-ack");
    });

    // expect sent blob to be buffer
    socket.on("blob", (a) => {
      if (Buffer.isBuffer(a)) socket.emit("back");
    });

    // expect sent blob mixed with json to be buffer
    socket.on("jsonblob", (a) => {
      assert.deepStrictEqual(a.hello, "lol");
      assert.strictEqual(Buffer.isBuffer(a.message), true);
      assert.deepStrictEqual(a.goodbye, "gotcha");
      socket.emit("jsonblob-ack");
    });

    // expect blobs sent in order to arrive in correct order
    let receivedblob1 = false;
    let receivedblob2 = false;
    socket.on("blob1", (a) => {
      assert.strictEqual(Buffer.isBuffer(a), true);
      receivedblob1 = true;
    });
    socket.on("blob2", (a) => {
      assert.strictEqual(receivedblob1, true);
      assert.deepStrictEqual(a, "second");
      receivedblob2 = true;
    });
    socket.on("blob3", (a) => {
      assert.strictEqual(Buffer.isBuffer(a), true);
      assert.strictEqual(receivedblob1, true);
      assert.strictEqual(receivedblob2, true);
      socket.emit("blob3-ack");
    });

    // emit buffer to base64 receiving browsers
    socket.on("getbin", () => {
      const buf = Buffer.from("asdfasdf", "utf8");
      socket.emit("takebin", buf);
    });

    socket.on("getHandshake", (cb) => {
      cb(socket.handshake);
    });

    socket.on("getId", (cb) => {
      cb(socket.id);
    });
  });

  return server;
}

// -- added: what the server saw, and the undecodable packet (see the header) ----------------
function saw(record) {
  const json = JSON.stringify(record, (key, value) => {
    if (value && value.type === "Buffer" && Array.isArray(value.data)) {
      return { _bytes: Buffer.from(value.data).toString("base64") };
    }
    return value;
  });
  console.log(`SAW ${json}`);
}

function observe(server) {
  for (const nsp of server._nsps.values()) {
    nsp.on("connection", (socket) => {
      saw({ kind: "connection", ns: nsp.name, id: socket.id, recovered: socket.recovered,
            query: socket.handshake.query, auth: socket.handshake.auth });
      socket.onAny((event, ...args) => {
        const ack = args.length > 0 && typeof args[args.length - 1] === "function";
        saw({ kind: "event", ns: nsp.name, id: socket.id, event,
              args: ack ? args.slice(0, -1) : args, ack });
      });
      socket.on("disconnect", (reason) => {
        saw({ kind: "disconnect", ns: nsp.name, id: socket.id, reason });
      });
    });
  }
  // every ACK packet that arrived (an answer to the server's own emit with a callback), as
  // written: socket.io ignores one its socket no longer waits for, so only this shows it came
  server.engine.on("connection", (conn) => {
    conn.on("packet", (packet) => {
      if (packet.type === "message" && typeof packet.data === "string" && packet.data[0] === "3") {
        saw({ kind: "ack", engine: conn.id, packet: packet.data });
      }
    });
  });
  server.of("/").on("connection", (socket) => {
    socket.on("_send_undecodable", () => {
      socket.conn.write("bad");
    });
  });
}

process.on("uncaughtException", (err) => {
  console.log(`UNCAUGHT ${JSON.stringify(String((err && err.stack) || err))}`);
});

const httpServer = http.createServer();
const io = createServer(httpServer);
observe(io);
httpServer.listen(0, "127.0.0.1", () => {
  const { port } = httpServer.address();
  console.log(`READY http://127.0.0.1:${port}`);
});
const stop = () => { io.close(); httpServer.close(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
