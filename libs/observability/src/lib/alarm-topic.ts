import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { isUnresolved, ValidationError } from '@secure-api/core';
import { TopicEncryptionKey, type KeyProps } from './keys';

/** Props of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** The topic's name (1 to 256 letters, digits, `-` and `_`), e.g. `secure-api-prod-alarms`. */
  readonly name: string;
  /**
   * Email addresses subscribed to the topic. AWS mails each a confirmation link; until it is followed the
   * subscription stays "pending confirmation" and receives nothing.
   * @default - none
   */
  readonly emails?: readonly string[];
  /**
   * The topic key's settings (a customer-managed key CloudWatch may use; the AWS-managed `alias/aws/sns` key does
   * not let alarms publish).
   * @default - alias `<name>`, the KeyProps defaults
   */
  readonly key?: Partial<KeyProps>;
}

const TOPIC_NAME = /^[\w-]{1,256}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The SNS topic every alarm of an environment notifies, encrypted with a key of its own, with optional email
 * subscriptions. $0.50 per million publishes, email deliveries $2 per 100,000 (us-east-1); the key $1 a month.
 *
 * Construct ids: `Key` (a TopicEncryptionKey), `Topic`, `Email-<address with every other character as ->`.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 */
export class AlarmTopic extends Construct {
  readonly topicArn: string;
  readonly key: TopicEncryptionKey;
  /** The underlying `aws_sns_topic`. */
  readonly resource: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (isUnresolved(props.name) || !TOPIC_NAME.test(props.name)) {
      throw new ValidationError(this, 'name', props.name, 'is not an SNS topic name', 'use 1 to 256 letters, digits, - and _, e.g. secure-api-prod-alarms');
    }
    const emails = props.emails ?? [];
    emails.forEach((email, i) => {
      if (isUnresolved(email)) return;
      if (typeof email !== 'string' || !EMAIL.test(email)) throw new ValidationError(this, `emails[${i}]`, email, 'is not an email address', 'write the address alarms should reach, e.g. oncall@example.com');
    });
    const duplicate = emails.find((e, i) => emails.indexOf(e) !== i);
    if (duplicate !== undefined) throw new ValidationError(this, 'emails', duplicate, 'is listed twice', 'list each address once');

    this.key = new TopicEncryptionKey(this, 'Key', { alias: props.name, ...props.key });
    this.resource = new SnsTopic(this, 'Topic', { name: props.name, kmsMasterKeyId: this.key.keyArn });
    // Keyed by address, so that removing one address leaves the others' Terraform addresses as they were.
    emails.forEach((email) => new SnsTopicSubscription(this, `Email-${email.replace(/[^A-Za-z0-9-]/g, '-')}`, { topicArn: this.resource.arn, protocol: 'email', endpoint: email }));
    this.topicArn = this.resource.arn;
  }
}
