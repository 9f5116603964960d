// Fixes for faults that are not the bus: a node that is down, hung, or left out after a heal.
import type { Fix } from "../../model/finding.js";
import { splitAddress } from "../../cluster/address.js";

export function unreachableFixes(ip: string, port: number): Fix[] {
  return [
    {
      where: `the host of ${ip}`,
      lines: [
        `systemctl status redis-server   # or: ps -o pid,stat,cmd -C redis-server`,
        `journalctl -u redis-server -n 50   # why it stopped (OOM kill, crash, config)`,
        `redis-cli -h ${ip} -p ${port} PING   # from a peer's host: is it cut off only from here?`,
      ],
    },
  ];
}

export function unresponsiveFixes(ip: string, port: number): Fix[] {
  return [
    {
      where: `the host of ${ip}`,
      lines: [
        `ps -o pid,stat,cmd -C redis-server   # STAT 'T' = stopped (SIGSTOP, debugger): kill -CONT <pid>`,
        `redis-cli -h ${ip} -p ${port} --latency   # once it answers: is it blocked by a slow command?`,
        `redis-cli -h ${ip} -p ${port} SLOWLOG GET 10`,
        `grep -i -E 'oom|swap' /var/log/syslog   # memory pressure makes a node stall`,
      ],
    },
  ];
}

export function rejoinFixes(ip: string, port: number, busPort: number | null, healthyPeer: string | null): Fix[] {
  const [peerHost, peerPort] = healthyPeer ? splitAddress(healthyPeer) : ["<healthy ip>", "<port>"];
  return [
    {
      where: "redis-cli (after the bus port is open again)",
      lines: [
        `redis-cli -h ${peerHost} -p ${peerPort} CLUSTER MEET ${ip} ${port}${busPort ? ` ${busPort}` : ""}`,
        `# if it stays failed: on ${ip}, CLUSTER RESET SOFT, then MEET it again and make it a replica:`,
        `redis-cli -h ${ip} -p ${port} CLUSTER REPLICATE <id of the master that took over its slots>`,
        // redis-cli --cluster splits host:port at the last colon and takes no brackets: IPv6 goes bare.
        `redis-cli --cluster check ${peerHost}:${peerPort}`,
      ],
    },
  ];
}
