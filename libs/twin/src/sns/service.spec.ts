import { emptyTwinForSuite } from '../test-support';
import { queryCall } from '../test-support/signed';

// SNS's Query API on the twin's endpoint (form-encoded `Action=...&Version=2010-03-31`, XML answers): the calls
// terraform-provider-aws 5.100 makes for aws_sns_topic and aws_sns_topic_subscription, and SNS's error codes.
jest.setTimeout(30_000);

const twin = emptyTwinForSuite();

const call = (action: string, params: Record<string, string> = {}) => queryCall(twin(), 'sns', action, params);

async function ok(action: string, params: Record<string, string> = {}): Promise<string> {
  const res = await call(action, params);
  expect({ status: res.status, text: res.text }).toMatchObject({ status: 200 });
  expect(res.text).toMatch(new RegExp(`^<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>`));
  return res.text;
}

const attributes = (xmlText: string) => Object.fromEntries([...xmlText.matchAll(/<entry><key>([^<]*)<\/key><value>([^<]*)<\/value><\/entry>/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]));
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

describe('SNS topics', () => {
  it('CreateTopic with tags; SetTopicAttributes; GetTopicAttributes answers what was set and what SNS computes', async () => {
    const made = await ok('CreateTopic', { Name: 'alarms', 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'dev' });
    const arn = 'arn:aws:sns:eu-west-1:123456789012:alarms';
    expect(made).toContain(`<TopicArn>${arn}</TopicArn>`);
    await ok('SetTopicAttributes', { TopicArn: arn, AttributeName: 'KmsMasterKeyId', AttributeValue: KEY });
    await ok('SetTopicAttributes', { TopicArn: arn, AttributeName: 'HTTPSuccessFeedbackSampleRate', AttributeValue: '0' });
    const read = attributes(await ok('GetTopicAttributes', { TopicArn: arn }));
    expect(read).toMatchObject({ TopicArn: arn, Owner: '123456789012', KmsMasterKeyId: KEY, HTTPSuccessFeedbackSampleRate: '0', SignatureVersion: '1', TracingConfig: 'PassThrough', SubscriptionsPending: '0' });
    expect(JSON.parse(read['Policy'])).toMatchObject({ Id: '__default_policy_ID', Statement: [{ Resource: arn, Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } } }] });
    expect(read['FifoTopic']).toBeUndefined();
    expect(await ok('ListTagsForResource', { ResourceArn: arn })).toContain('<Tags><member><Key>env</Key><Value>dev</Value></member></Tags>');
    await ok('TagResource', { ResourceArn: arn, 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'ops' });
    await ok('UntagResource', { ResourceArn: arn, 'TagKeys.member.1': 'env' });
    expect(await ok('ListTagsForResource', { ResourceArn: arn })).toContain('<Tags><member><Key>team</Key><Value>ops</Value></member></Tags>');
    expect(await ok('CreateTopic', { Name: 'alarms' })).toContain(`<TopicArn>${arn}</TopicArn>`);
    expect(await ok('ListTopics')).toContain(`<member><TopicArn>${arn}</TopicArn></member>`);
  });

  it('a FIFO topic needs the .fifo suffix and keeps FifoTopic; FIFO-only attributes are refused on a standard topic', async () => {
    expect(await ok('CreateTopic', { Name: 'orders.fifo', 'Attributes.entry.1.key': 'FifoTopic', 'Attributes.entry.1.value': 'true' })).toContain('orders.fifo');
    expect(attributes(await ok('GetTopicAttributes', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders.fifo' }))).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'false' });
    expect((await call('CreateTopic', { Name: 'orders', 'Attributes.entry.1.key': 'FifoTopic', 'Attributes.entry.1.value': 'true' })).code).toBe('InvalidParameter');
    await ok('CreateTopic', { Name: 'plain' });
    expect((await call('SetTopicAttributes', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:plain', AttributeName: 'ContentBasedDeduplication', AttributeValue: 'true' })).code).toBe('InvalidParameter');
  });

  it('bad input: SNS error codes and statuses, never a 5xx', async () => {
    expect(await call('GetTopicAttributes', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nope' })).toMatchObject({ status: 404, code: 'NotFound' });
    expect(await call('GetTopicAttributes', { TopicArn: 'not-an-arn' })).toMatchObject({ status: 400, code: 'InvalidParameter' });
    expect(await call('GetTopicAttributes')).toMatchObject({ status: 400, code: 'ValidationError', text: expect.stringContaining("Value null at &apos;topicArn&apos;") });
    expect(await call('CreateTopic', { Name: 'bad name!' })).toMatchObject({ status: 400, code: 'InvalidParameter' });
    await ok('CreateTopic', { Name: 'checks' });
    const arn = 'arn:aws:sns:eu-west-1:123456789012:checks';
    expect(await call('SetTopicAttributes', { TopicArn: arn, AttributeName: 'Colour', AttributeValue: 'red' })).toMatchObject({ code: 'InvalidParameter' });
    expect(await call('SetTopicAttributes', { TopicArn: arn, AttributeName: 'Policy', AttributeValue: '{nope' })).toMatchObject({ code: 'InvalidParameter' });
    expect(await call('ListTagsForResource', { ResourceArn: 'arn:aws:sns:eu-west-1:123456789012:gone' })).toMatchObject({ status: 404, code: 'ResourceNotFound' });
    expect(await call('TagResource', { ResourceArn: arn, 'Tags.member.1.Value': 'no key' })).toMatchObject({ code: 'InvalidParameter' });
    expect(await call('Publish', { TopicArn: arn, Message: 'hi' })).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect((await call('GetTopicAttributes', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nope' })).text).toMatch(/^<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type>/);
  });

  it('DeleteTopic removes the topic, its tags and its subscriptions; deleting it again is no error (the API reference says so)', async () => {
    await ok('CreateTopic', { Name: 'doomed', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' });
    const arn = 'arn:aws:sns:eu-west-1:123456789012:doomed';
    const sub = /<SubscriptionArn>([^<]+)</.exec(await ok('Subscribe', { TopicArn: arn, Protocol: 'email', Endpoint: 'a@example.com', ReturnSubscriptionArn: 'true' }))?.[1] as string;
    await ok('DeleteTopic', { TopicArn: arn });
    await ok('DeleteTopic', { TopicArn: arn });
    expect((await call('GetTopicAttributes', { TopicArn: arn })).code).toBe('NotFound');
    expect((await call('GetSubscriptionAttributes', { SubscriptionArn: sub })).code).toBe('NotFound');
  });
});

describe('SNS subscriptions', () => {
  it('an e-mail subscription stays pending confirmation; its ARN is returned when asked for (ReturnSubscriptionArn), else "pending confirmation"', async () => {
    await ok('CreateTopic', { Name: 'paging' });
    const topic = 'arn:aws:sns:eu-west-1:123456789012:paging';
    const arn = /<SubscriptionArn>([^<]+)</.exec(await ok('Subscribe', { TopicArn: topic, Protocol: 'email', Endpoint: 'oncall@example.com', ReturnSubscriptionArn: 'true' }))?.[1] as string;
    expect(arn).toMatch(/^arn:aws:sns:eu-west-1:123456789012:paging:[0-9a-f-]{36}$/);
    expect(await ok('Subscribe', { TopicArn: topic, Protocol: 'email', Endpoint: 'other@example.com' })).toContain('<SubscriptionArn>pending confirmation</SubscriptionArn>');
    expect(attributes(await ok('GetSubscriptionAttributes', { SubscriptionArn: arn }))).toMatchObject({
      SubscriptionArn: arn, TopicArn: topic, Owner: '123456789012', Protocol: 'email', Endpoint: 'oncall@example.com', PendingConfirmation: 'true', ConfirmationWasAuthenticated: 'false', RawMessageDelivery: 'false',
    });
    expect(attributes(await ok('GetTopicAttributes', { TopicArn: topic }))).toMatchObject({ SubscriptionsPending: '2', SubscriptionsConfirmed: '0' });
    await ok('SetSubscriptionAttributes', { SubscriptionArn: arn, AttributeName: 'FilterPolicy', AttributeValue: '{"severity":["high"]}' });
    expect(attributes(await ok('GetSubscriptionAttributes', { SubscriptionArn: arn }))).toMatchObject({ FilterPolicy: '{"severity":["high"]}', FilterPolicyScope: 'MessageAttributes' });
    expect(await ok('ListSubscriptionsByTopic', { TopicArn: topic })).toContain('<Endpoint>oncall@example.com</Endpoint><Protocol>email</Protocol><SubscriptionArn>PendingConfirmation</SubscriptionArn>');
    await ok('Unsubscribe', { SubscriptionArn: arn });
    expect(await call('GetSubscriptionAttributes', { SubscriptionArn: arn })).toMatchObject({ status: 404, code: 'NotFound' });
  });

  it('refuses an unknown protocol, a bad e-mail address, an unknown topic and an unknown attribute', async () => {
    await ok('CreateTopic', { Name: 'strict' });
    const topic = 'arn:aws:sns:eu-west-1:123456789012:strict';
    expect(await call('Subscribe', { TopicArn: topic, Protocol: 'pigeon', Endpoint: 'x' })).toMatchObject({ code: 'InvalidParameter' });
    expect(await call('Subscribe', { TopicArn: topic, Protocol: 'email', Endpoint: 'not-an-address' })).toMatchObject({ code: 'InvalidParameter', text: expect.stringContaining('Email address') });
    expect(await call('Subscribe', { TopicArn: `${topic}-gone`, Protocol: 'email', Endpoint: 'a@example.com' })).toMatchObject({ status: 404, code: 'NotFound' });
    expect(await call('Subscribe', { TopicArn: topic })).toMatchObject({ code: 'ValidationError' });
    const arn = /<SubscriptionArn>([^<]+)</.exec(await ok('Subscribe', { TopicArn: topic, Protocol: 'email', Endpoint: 'a@example.com', ReturnSubscriptionArn: 'true' }))?.[1] as string;
    expect(await call('SetSubscriptionAttributes', { SubscriptionArn: arn, AttributeName: 'Colour', AttributeValue: 'x' })).toMatchObject({ code: 'InvalidParameter' });
    expect(await call('GetSubscriptionAttributes', { SubscriptionArn: 'garbage' })).toMatchObject({ status: 400, code: 'InvalidParameter' });
  });
});
