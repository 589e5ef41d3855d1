import { describe, expect, it } from 'vitest';
import { dataSetSchema, lagAlertMessages } from './replication';

const kafka = { name: 'order-events', store: 'kafka', mode: 'active-passive', rpoSeconds: 120, lagAlertSeconds: 30, topics: ['orders.created'], residency: 'us' };

describe('data set lagAlertMessages', () => {
  it('defaults the Kafka mirror lag threshold to 5000 messages', () => {
    expect(lagAlertMessages(dataSetSchema.parse(kafka))).toBe(5000);
    expect(lagAlertMessages(dataSetSchema.parse({ ...kafka, lagAlertMessages: 800 }))).toBe(800);
  });

  it('is refused on a data set that is not kafka', () => {
    const result = dataSetSchema.safeParse({ name: 'orders-db', store: 'aurora', mode: 'active-passive', rpoSeconds: 120, lagAlertSeconds: 30, residency: 'us', lagAlertMessages: 800 });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['lagAlertMessages'], message: 'no lagAlertMessages on a aurora data set (it is for kafka)' })]);
  });
});
