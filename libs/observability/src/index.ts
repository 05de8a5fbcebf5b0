export { KEY_ADMIN_ACTIONS, KEY_DEFAULTS, LOGS_KEY_ACTIONS, LogEncryptionKey, TopicEncryptionKey } from './lib/keys';
export type { KeyProps } from './lib/keys';
export { AlarmTopic } from './lib/alarm-topic';
export type { AlarmTopicProps } from './lib/alarm-topic';
export { ALARM_DEFAULTS, ApiMonitoring } from './lib/api-monitoring';
export type { AlarmInfo, AlarmThresholds, ApiMonitoringProps, MonitoredApi } from './lib/api-monitoring';
