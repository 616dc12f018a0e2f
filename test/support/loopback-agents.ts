import { Agent } from 'undici';

/**
 * Requests from another loopback address (127.0.0.x), to play another machine: one undici
 * Agent per source address, closed by `closeLoopbackAgents()` in the spec's afterAll.
 */
const agents = new Map<string, Agent>();

export function from(address: string): Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}

export async function closeLoopbackAgents(): Promise<void> {
  for (const agent of agents.values()) await agent.close();
  agents.clear();
}
