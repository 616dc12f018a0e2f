/** An event as the outbox stores and announces it. */
export interface OutboxMessage<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  /** Epoch milliseconds of the commit that produced it. */
  occurredAt: number;
  data: TData;
}
