// Fixes for faults that are not the bus: a node that is down, cut off, hung, or left out after a heal.
import type { Fix } from "../../model/finding.js";
import { splitAddress } from "../../cluster/address.js";

/** Nothing listens on the node's ports: the process (or its host) is down. */
export function downFixes(ip: string, port: number): Fix[] {
  return [
    {
      where: `the host of ${ip}`,
      lines: [
        `systemctl status redis-server   # or: ps -o pid,stat,cmd -C redis-server`,
        `journalctl -u redis-server -n 50   # why it stopped (OOM kill, crash, config)`,
        `systemctl start redis-server   # it rejoins with the identity in its nodes.conf`,
        `redis-cli -h ${ip} -p ${port} PING`,
      ],
    },
  ];
}

/** No answer at all, from busdoctor or the peers: the host is down or cut off the network. */
export function cutOffFixes(ip: string, port: number): Fix[] {
  return [
    {
      where: `from a peer's host`,
      lines: [
        `ping -c 3 ${ip}   # is the host up and routed?`,
        `redis-cli -h ${ip} -p ${port} PING`,
        `# then on the host of ${ip}: systemctl status redis-server, and its firewall for port ${port}`,
      ],
    },
  ];
}

/** The node runs and its peers hear it: only the path from busdoctor's host to it is closed. */
export function toolPathFixes(ip: string, port: number): Fix[] {
  return [
    {
      where: "busdoctor's host (the node itself is fine)",
      lines: [
        `nc -vz -w 2 ${ip} ${port}   # from here: filtered or refused?`,
        `# open ${ip}:${port} to this host (security group, firewall), or run busdoctor where it reaches every node's client port`,
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

/**
 * A node the cluster still holds failed although it answers and its bus works. CLUSTER MEET is safe
 * (it only introduces the address again); nothing that can lose data is suggested while it answers.
 */
export function rejoinFixes(ip: string, port: number, busPort: number | null, healthyPeer: string | null): Fix[] {
  const [peerHost, peerPort] = healthyPeer ? splitAddress(healthyPeer) : ["<healthy ip>", "<port>"];
  return [
    {
      where: "redis-cli (the bus works again)",
      lines: [
        `redis-cli -h ${peerHost} -p ${peerPort} CLUSTER MEET ${ip} ${port}${busPort ? ` ${busPort}` : ""}`,
        // redis-cli --cluster splits host:port at the last colon and takes no brackets: IPv6 goes bare.
        `redis-cli --cluster check ${peerHost}:${peerPort}`,
        `# if it stays failed, plan the next step with its data in mind (a reset discards the node's view of the cluster)`,
      ],
    },
  ];
}

/**
 * A node that forgot the cluster is a new, empty node: redis-cli --cluster add-node refuses one that
 * holds keys or knows other nodes, so it cannot merge two clusters or lose data (a bare CLUSTER MEET
 * checks neither).
 */
export function forgottenFixes(node: string, healthyPeer: string | null, oldMasterId: string | null): Fix[] {
  const peer = healthyPeer ?? "<ip:port of a node of the cluster>";
  return [
    {
      where: "redis-cli (the node runs; only the cluster's memory of it is gone)",
      lines: [
        `redis-cli --cluster add-node ${node} ${peer} --cluster-slave${oldMasterId === null ? "   # --cluster-master-id <id> to follow a given master" : ` --cluster-master-id ${oldMasterId}   # the master its old line (noaddr) followed`}`,
        `redis-cli --cluster check ${peer}`,
      ],
    },
  ];
}
