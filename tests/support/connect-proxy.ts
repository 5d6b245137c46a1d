// A tiny HTTP proxy standing in for a corporate one (docs/CLI.md "Proxies"): CONNECT tunnels for
// https:// and plain forwarded requests for http://, each counted, optionally demanding
// `Proxy-Authorization: Basic`. Like a real proxy it resolves the names it is asked for itself:
// `hosts` maps test names (portal.gatehouse.test) to addresses of this machine.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface ConnectProxy {
  url: string;
  /** `host:port` of every tunnel opened (CONNECT answered 200), in order. */
  tunnels: string[];
  /** `METHOD absolute-url` of every plain request forwarded. */
  forwarded: string[];
  /** Requests refused with 407. */
  refused: number;
  close(): Promise<void>;
}

export async function startConnectProxy(
  opts: { hosts?: Record<string, string>; credentials?: { user: string; password: string } } = {},
): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  const expected = opts.credentials
    ? `Basic ${Buffer.from(`${opts.credentials.user}:${opts.credentials.password}`).toString("base64")}`
    : undefined;
  const allowed = (req: http.IncomingMessage) =>
    expected === undefined || req.headers["proxy-authorization"] === expected;
  const resolve = (host: string) => opts.hosts?.[host] ?? host;
  const proxy: ConnectProxy = {
    url: "",
    tunnels,
    forwarded,
    refused: 0,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };

  const server = http.createServer((req, res) => {
    if (!allowed(req)) {
      proxy.refused += 1;
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="corp"' }).end();
      return;
    }
    const target = new URL(req.url ?? "");
    forwarded.push(`${req.method} ${target.href}`);
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = http.request(
      {
        host: resolve(target.hostname),
        port: target.port || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on("error", () => undefined);
    if (!allowed(req)) {
      proxy.refused += 1;
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n',
      );
      return;
    }
    const [host, port] = splitHostPort(req.url ?? "");
    const upstream = net.connect(port, resolve(host), () => {
      tunnels.push(`${host}:${port}`);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function splitHostPort(authority: string): [string, number] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  return match ? [match[1] as string, Number(match[2])] : [authority, 443];
}
