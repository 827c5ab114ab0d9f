import assert from "node:assert/strict";
import { addressKind, checkDestination } from "./destination.ts";

Deno.test("addressKind() tells public from loopback, private and link-local addresses", () => {
  const cases: [string, string][] = [
    ["93.184.216.34", "public"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["0.0.0.0", "private"],
    ["224.0.0.1", "private"],
    ["255.255.255.255", "private"],
    ["169.254.169.254", "link-local"],
    ["::1", "loopback"],
    ["::", "private"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "link-local"],
    ["fc00::1", "private"],
    ["ff02::1", "private"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:7f00:1", "loopback"],
    ["::169.254.169.254", "link-local"],
    ["::a9fe:a9fe", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::5db8:d822", "public"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["2002:5db8:d822::1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["not an address", "private"],
  ];
  for (const [address, kind] of cases) assert.equal(addressKind(address), kind, address);
});

Deno.test("checkDestination() refuses what is not a public https endpoint", async () => {
  const publicDns = () => Promise.resolve(["93.184.216.34"]);
  const strict = { allowInsecure: false, resolve: publicDns };
  assert.equal(await checkDestination("https://hooks.example.com/x", strict), undefined);
  for (
    const url of [
      "http://hooks.example.com/x",
      "ftp://hooks.example.com/x",
      "https://user:pw@hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://[::1]/x",
      "https://10.0.0.5/x",
      "https://169.254.169.254/latest/meta-data",
      "https://[fd00:ec2::254]/x",
      "https://[::169.254.169.254]/x",
      "https://[64:ff9b::a9fe:a9fe]/x",
      "https://[::ffff:127.0.0.1]/x",
      "not a url",
    ]
  ) {
    assert.ok(await checkDestination(url, strict), url);
  }
});

Deno.test("checkDestination() checks the name as it resolves at each attempt", async () => {
  let answer = ["93.184.216.34"];
  const resolve = () => Promise.resolve(answer);
  const url = "https://rebinding.example.com/hook";
  assert.equal(await checkDestination(url, { allowInsecure: false, resolve }), undefined);
  answer = ["127.0.0.1"];
  assert.match(
    (await checkDestination(url, { allowInsecure: false, resolve }))!,
    /loopback/,
  );
  answer = ["93.184.216.34", "10.0.0.1"];
  assert.match((await checkDestination(url, { allowInsecure: false, resolve }))!, /private/);
});

Deno.test("checkDestination() with WEBHOOK_ALLOW_INSECURE allows http, loopback and private addresses", async () => {
  const insecure = { allowInsecure: true, resolve: () => Promise.resolve(["93.184.216.34"]) };
  for (
    const url of [
      "http://127.0.0.1:8080/hook",
      "http://localhost:8080/hook",
      "http://hooks.example.com/x",
      "http://10.0.0.1/",
      "https://192.168.1.5:8443/h",
      "http://[::1]:8080/h",
    ]
  ) {
    assert.equal(await checkDestination(url, insecure), undefined, url);
  }
  for (
    const url of [
      "http://169.254.169.254/",
      "https://169.254.169.254/",
      "http://[fd00:ec2::254]/",
      "http://[fe80::1]/",
      "http://user@127.0.0.1:8080/",
      "ftp://127.0.0.1/",
    ]
  ) {
    assert.ok(await checkDestination(url, insecure), url);
  }
  const privateName = { allowInsecure: true, resolve: () => Promise.resolve(["172.18.0.4"]) };
  assert.equal(await checkDestination("http://receiver:8080/hook", privateName), undefined);
});

Deno.test("checkDestination() accepts a name that does not resolve only at creation", async () => {
  const nowhere = { allowInsecure: false, resolve: () => Promise.resolve([]) };
  const url = "https://hooks.example.com/x";
  assert.match((await checkDestination(url, nowhere))!, /does not resolve/);
  assert.equal(await checkDestination(url, { ...nowhere, acceptUnresolved: true }), undefined);
  assert.ok(await checkDestination("https://127.0.0.1/x", { ...nowhere, acceptUnresolved: true }));
});
