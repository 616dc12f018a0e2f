import { SUBSCRIBABLE_EVENTS, WEBHOOK_TEST_EVENT, webhookData } from '../webhook/webhook-events.js';
import { EVENT_CATALOGUE } from './event-catalogue.js';

describe('EVENT_CATALOGUE', () => {
  it('lists every event a subscription may ask for, and the test event', () => {
    expect(EVENT_CATALOGUE.filter((entry) => entry.subscribable).map((entry) => entry.type)).toEqual([...SUBSCRIBABLE_EVENTS]);
    expect(EVENT_CATALOGUE.filter((entry) => !entry.subscribable).map((entry) => entry.type)).toEqual([WEBHOOK_TEST_EVENT]);
  });

  it('shows token-event examples with exactly the fields a receiver gets', () => {
    for (const entry of EVENT_CATALOGUE.filter((item) => item.subscribable)) {
      expect(entry.example.type).toBe(entry.type);
      expect(webhookData(entry.example.data)).toEqual(entry.example.data);
      expect(Object.keys(entry.example.data)).toEqual(expect.arrayContaining(['userId', 'clientId', 'familyId', 'rotation', 'scope']));
    }
  });
});
