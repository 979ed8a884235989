import { describe, expect, it } from "vitest";
import { embeddedIPv4, formatIPv4, isPrivateAddress, parseIPv6, reservedRange } from "../../../src/core/net/ip-address.ts";

describe("isPrivateAddress: IPv4 special-use ranges", () => {
  it.each([
    { given: "0.0.0.0", want: true },
    { given: "0.1.2.3", want: true },
    { given: "10.255.255.255", want: true },
    { given: "100.63.255.255", want: false },
    { given: "100.64.0.0", want: true },
    { given: "100.127.255.255", want: true },
    { given: "100.128.0.0", want: false },
    { given: "127.0.0.1", want: true },
    { given: "127.255.255.254", want: true },
    { given: "169.254.169.254", want: true },
    { given: "172.15.255.255", want: false },
    { given: "172.16.0.1", want: true },
    { given: "172.31.255.255", want: true },
    { given: "172.32.0.0", want: false },
    { given: "192.0.0.170", want: true },
    { given: "192.0.2.1", want: true },
    { given: "192.88.99.1", want: true },
    { given: "192.168.1.1", want: true },
    { given: "198.18.0.1", want: true },
    { given: "198.19.255.255", want: true },
    { given: "198.20.0.0", want: false },
    { given: "198.51.100.7", want: true },
    { given: "203.0.113.9", want: true },
    { given: "224.0.0.1", want: true },
    { given: "239.255.255.250", want: true },
    { given: "240.0.0.1", want: true },
    { given: "255.255.255.255", want: true },
    { given: "8.8.8.8", want: false },
    { given: "1.1.1.1", want: false },
    { given: "93.184.216.34", want: false },
    { given: "223.255.255.255", want: false },
  ])("$given → $want", ({ given, want }) => expect(isPrivateAddress(given)).toBe(want));
});

describe("isPrivateAddress: IPv6 ranges and embedded IPv4", () => {
  it.each([
    // plain IPv6 special-use ranges
    { given: "::", want: true, why: "unspecified" },
    { given: "::1", want: true, why: "loopback" },
    { given: "100::1", want: true, why: "discard-only" },
    { given: "2001:2::1", want: true, why: "benchmarking" },
    { given: "2001:10::1", want: true, why: "ORCHID" },
    { given: "2001:20::1", want: true, why: "ORCHIDv2" },
    { given: "2001:db8::1", want: true, why: "documentation" },
    { given: "3fff::1", want: true, why: "documentation (RFC 9637)" },
    { given: "5f00::1", want: true, why: "SRv6 SIDs" },
    { given: "fc00::1", want: true, why: "unique local" },
    { given: "fd00:ec2::254", want: true, why: "AWS metadata (unique local)" },
    { given: "fe80::1", want: true, why: "link-local" },
    { given: "fe80::1%eth0", want: true, why: "link-local with a zone" },
    { given: "fec0::1", want: true, why: "site-local" },
    { given: "ff02::1", want: true, why: "multicast" },
    { given: "2606:4700::1111", want: false, why: "public" },
    { given: "2001:4860:4860::8888", want: false, why: "public" },
    // IPv4-mapped ::ffff:a.b.c.d
    { given: "::ffff:127.0.0.1", want: true, why: "mapped loopback" },
    { given: "::ffff:7f00:1", want: true, why: "mapped loopback, hex" },
    { given: "::ffff:10.0.0.1", want: true, why: "mapped private" },
    { given: "::ffff:169.254.169.254", want: true, why: "mapped metadata" },
    { given: "::ffff:8.8.8.8", want: false, why: "mapped public" },
    // IPv4-compatible ::a.b.c.d (deprecated)
    { given: "::127.0.0.1", want: true, why: "compatible loopback" },
    { given: "::7f00:1", want: true, why: "compatible loopback, hex" },
    { given: "::a9fe:a9fe", want: true, why: "compatible metadata" },
    { given: "::8.8.8.8", want: false, why: "compatible public" },
    // IPv4-translated (SIIT) ::ffff:0:a.b.c.d
    { given: "::ffff:0:127.0.0.1", want: true, why: "translated loopback" },
    { given: "::ffff:0:8.8.8.8", want: false, why: "translated public" },
    // NAT64 well-known prefix 64:ff9b::/96
    { given: "64:ff9b::127.0.0.1", want: true, why: "NAT64 loopback" },
    { given: "64:ff9b::7f00:1", want: true, why: "NAT64 loopback, hex" },
    { given: "64:ff9b::a9fe:a9fe", want: true, why: "NAT64 metadata" },
    { given: "64:ff9b::8.8.8.8", want: false, why: "NAT64 public" },
    // NAT64 local-use prefix 64:ff9b:1::/48: the last 32 bits, and the RFC 6052 positions of /48../64 prefixes
    { given: "64:ff9b:1::7f00:1", want: true, why: "local NAT64 loopback (last 32 bits)" },
    { given: "64:ff9b:1:7f00:0:100:808:808", want: true, why: "local NAT64 /48 embedding of 127.0.0.1" },
    { given: "64:ff9b:1:808:8:808:808:808", want: false, why: "local NAT64, public at every position" },
    // 6to4 2002::/16, IPv4 in bits 16..47
    { given: "2002:7f00:1::", want: true, why: "6to4 of 127.0.0.1" },
    { given: "2002:a9fe:a9fe::1", want: true, why: "6to4 of 169.254.169.254" },
    { given: "2002:c000:201::", want: true, why: "6to4 of 192.0.2.1" },
    { given: "2002:808:808::1", want: false, why: "6to4 of 8.8.8.8" },
    // Teredo 2001:0::/32: server in bits 32..63, client = last 32 bits XOR 0xffffffff
    { given: "2001:0:a00:1:8000:63bf:f7f7:f7f7", want: true, why: "Teredo server 10.0.0.1" },
    { given: "2001:0:4136:e378:8000:63bf:80ff:fffe", want: true, why: "Teredo client 127.0.0.1" },
    { given: "2001:0:4136:e378:8000:63bf:3fff:fdd2", want: true, why: "RFC 4380 example: client 192.0.2.45 (documentation)" },
    { given: "2001:0:4136:e378:8000:63bf:f7f7:f7f7", want: false, why: "Teredo server 65.54.227.120, client 8.8.8.8" },
    // not addresses
    { given: "not-an-ip", want: false, why: "a name" },
    { given: "", want: false, why: "empty" },
    { given: "1.2.3", want: false, why: "short" },
  ])("$given → $want ($why)", ({ given, want }) => expect(isPrivateAddress(given)).toBe(want));

  it("names the range, and the embedded address, for the server log", () => {
    expect(reservedRange("127.0.0.1")).toBe("loopback");
    expect(reservedRange("2002:7f00:1::")).toBe("6to4 of 127.0.0.1: loopback");
    expect(reservedRange("2001:0:4136:e378:8000:63bf:80ff:fffe")).toBe("Teredo client of 127.0.0.1: loopback");
    expect(reservedRange("8.8.8.8")).toBeUndefined();
  });

  it("parses IPv6 text forms to the same bytes", () => {
    const hex = (text: string) => Buffer.from(parseIPv6(text)!).toString("hex");
    expect(hex("::ffff:127.0.0.1")).toBe(hex("0:0:0:0:0:ffff:7f00:1"));
    expect(hex("[::1]")).toBe("00000000000000000000000000000001");
    expect(hex("1:2:3:4:5:6:7.8.9.10")).toBe("0001000200030004000500060708090a");
    expect(parseIPv6("1::2::3")).toBeUndefined();
    expect(parseIPv6("127.0.0.1")).toBeUndefined();
  });

  it("extracts Teredo's server and inverted client address", () => {
    const found = embeddedIPv4(parseIPv6("2001:0:4136:e378:8000:63bf:3fff:fdd2")!).map((e) => `${e.via} ${formatIPv4(e.address)}`);
    expect(found).toEqual(["Teredo server 65.54.227.120", "Teredo client 192.0.2.45"]);
  });
});
