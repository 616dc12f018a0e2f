import { Injectable } from '@nestjs/common';

/**
 * Who takes events over in this process. The webhook fan-out registers itself at start; a host
 * application without WebhookModule has no consumer, and then nothing would ever mark an event
 * processed, so retention could never purge it: there the writer records events as already
 * processed (announced in-process all the same). Every process of one deployment runs the
 * same modules, so a deployment has consumers in all of its processes or in none.
 */
@Injectable()
export class OutboxConsumers {
  private readonly names = new Set<string>();

  register(name: string): void {
    this.names.add(name);
  }

  get any(): boolean {
    return this.names.size > 0;
  }
}
