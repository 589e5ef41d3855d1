import type { RegionInput } from '../schemas';

export default {
  id: 'us-west-2',
  awsRegion: 'us-west-2',
  role: 'secondary',
  network: {
    vpcCidr: '10.20.0.0/16',
    availabilityZones: 3,
    subnets: {
      public: ['10.20.0.0/22', '10.20.4.0/22', '10.20.8.0/22'],
      private: ['10.20.32.0/19', '10.20.64.0/19', '10.20.96.0/19'],
      database: ['10.20.200.0/24', '10.20.201.0/24', '10.20.202.0/24'],
    },
  },
  eks: {
    version: '1.31',
    nodeGroups: [{ name: 'general', instanceTypes: ['m6i.large', 'm6a.large'], minSize: 3, desiredSize: 3, maxSize: 12 }],
  },
  database: { instanceClass: 'db.r6g.large', instances: 2, backupRetentionDays: 14 },
  cache: { nodeType: 'cache.r6g.large', shards: 2, replicasPerShard: 1 },
  kafka: { brokerInstanceType: 'kafka.m5.large', brokersPerAz: 1, storageGiB: 500 },
  dns: { zone: 'example.com', regionalRecord: 'api-usw2', ttlSeconds: 60 },
  healthCheck: { path: '/healthz', intervalSeconds: 10, failureThreshold: 3, checkerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] },
  traffic: { weight: 50, routing: 'weighted' },
  readOnly: false,
  readPreference: 'local',
  degradedMode: { pauseProducers: false, priorityWritesOnly: false, serveStaleReads: false },
  observability: { prometheusUrl: 'https://prometheus-usw2.example.com' },
  residency: { zone: 'us', tags: { jurisdiction: 'us' } },
} satisfies RegionInput;
