// "127.0.0.3:6379" -> ["127.0.0.3", "6379"]; the port is after the last colon, so IPv6 ("::1:6379") works.
export function splitAddress(address: string): [host: string, port: string] {
  const colon = address.lastIndexOf(":");
  return colon < 0 ? [address, ""] : [address.slice(0, colon), address.slice(colon + 1)];
}

export function hostOf(address: string): string {
  return splitAddress(address)[0];
}
