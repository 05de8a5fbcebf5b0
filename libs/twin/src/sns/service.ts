import { AwsError, xml } from '../aws/errors';
import type { AwsCall, QueryAction, QueryService } from '../aws/front';
import { QueryInput } from '../aws/query-input';
import { uuid } from '../shared/ids';
import type { TwinStore } from '../store/store';

/** A topic as the twin keeps it: its ARN and the attributes set on it (what `GetTopicAttributes` adds is computed). */
interface TopicDoc {
  readonly TopicArn: string;
  readonly Name: string;
  readonly Attributes: Readonly<Record<string, string>>;
}

/** A subscription: endpoint, protocol, and the attributes set on it. Nothing is ever delivered. */
interface SubscriptionDoc {
  readonly SubscriptionArn: string;
  readonly TopicArn: string;
  readonly Protocol: string;
  readonly Endpoint: string;
  readonly PendingConfirmation: boolean;
  readonly Attributes: Readonly<Record<string, string>>;
}

export const SNS_TOPIC = 'sns.topic';
export const SNS_SUBSCRIPTION = 'sns.subscription';

/** The topic attributes SetTopicAttributes takes (FifoTopic only at creation). */
const TOPIC_ATTRIBUTES = new Set([
  'DeliveryPolicy', 'DisplayName', 'Policy', 'KmsMasterKeyId', 'SignatureVersion', 'TracingConfig', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope',
  ...['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((p) => [`${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`]),
]);
const SUBSCRIPTION_ATTRIBUTES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
const JSON_ATTRIBUTES = new Set(['DeliveryPolicy', 'Policy', 'ArchivePolicy', 'FilterPolicy', 'RedrivePolicy', 'ReplayPolicy']);
const PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'];
const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: { defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' }, disableSubscriptionOverrides: false, defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' } },
});

/**
 * Amazon SNS topics and subscriptions, accepted and kept, never delivered to: what alarm topics need (a KMS key, tags,
 * an e-mail subscription that stays pending confirmation, as AWS leaves it until someone clicks the link).
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Operations.html
 */
export class SnsService {
  constructor(private readonly store: TwinStore) {}

  private topicId(arn: string): string | undefined {
    const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(\.fifo)?)$/.exec(arn);
    return m ? `${m[1]}/${m[2]}/${m[3]}` : undefined;
  }

  topic(arn: string): TopicDoc | undefined {
    const id = this.topicId(arn);
    return id ? this.store.resource<TopicDoc>(SNS_TOPIC, id)?.doc : undefined;
  }

  private requireTopic(arn: string): TopicDoc {
    if (!this.topicId(arn)) throw new AwsError('InvalidParameter', 'Invalid parameter: TopicArn');
    const topic = this.topic(arn);
    if (!topic) throw new AwsError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  createTopic(call: AwsCall, q: QueryInput): string {
    const name = q.required('Name');
    q.check();
    const attributes = q.map('Attributes');
    const fifo = attributes['FifoTopic'] === 'true';
    if (!(fifo ? /^[A-Za-z0-9_-]{1,251}\.fifo$/ : /^[A-Za-z0-9_-]{1,256}$/).test(name)) {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Topic Name');
    }
    for (const [k, v] of Object.entries(attributes)) if (k !== 'FifoTopic') checkAttribute(TOPIC_ATTRIBUTES, k, v, fifo);
    const tags = q.tags();
    const arn = `arn:aws:sns:${call.region}:${call.accountId}:${name}`;
    const existing = this.topic(arn);
    // CreateTopic is idempotent: the same name answers the same topic.
    if (existing) return existing.TopicArn;
    const doc: TopicDoc = { TopicArn: arn, Name: name, Attributes: { ...(fifo ? { FifoTopic: 'true', ContentBasedDeduplication: 'false' } : {}), ...withoutFifo(attributes) } };
    this.store.transaction(() => {
      this.store.putResource({ kind: SNS_TOPIC, id: this.topicId(arn) as string, parent: call.region, doc: { ...doc } });
      if (Object.keys(tags).length > 0) this.store.tag(arn, tags);
    });
    return arn;
  }

  /** Every attribute AWS answers for a topic: the ones set, and what SNS computes (owner, default policy, counts). */
  topicAttributes(arn: string): Record<string, string> {
    const topic = this.requireTopic(arn);
    const subs = this.subscriptions(topic.TopicArn);
    const account = topic.TopicArn.split(':')[4];
    return {
      TopicArn: topic.TopicArn,
      Owner: account,
      Policy: defaultTopicPolicy(topic.TopicArn, account),
      DisplayName: '',
      SignatureVersion: '1',
      TracingConfig: 'PassThrough',
      EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
      SubscriptionsConfirmed: String(subs.filter((s) => !s.PendingConfirmation).length),
      SubscriptionsPending: String(subs.filter((s) => s.PendingConfirmation).length),
      SubscriptionsDeleted: '0',
      ...topic.Attributes,
    };
  }

  setTopicAttribute(q: QueryInput): void {
    const arn = q.required('TopicArn');
    const name = q.required('AttributeName');
    q.check();
    const topic = this.requireTopic(arn);
    const value = q.str('AttributeValue') ?? '';
    checkAttribute(TOPIC_ATTRIBUTES, name, value, topic.Attributes['FifoTopic'] === 'true');
    const attributes = { ...topic.Attributes };
    if (value === '' && name !== 'DisplayName') delete attributes[name];
    else attributes[name] = value;
    this.store.putResource({ kind: SNS_TOPIC, id: this.topicId(arn) as string, parent: arn.split(':')[3], doc: { ...topic, Attributes: attributes } });
  }

  /** Deletes a topic and its subscriptions; deleting a topic that does not exist is no error, as the API reference says. */
  deleteTopic(arn: string): void {
    const id = this.topicId(arn);
    if (!id) throw new AwsError('InvalidParameter', 'Invalid parameter: TopicArn');
    this.store.transaction(() => {
      for (const s of this.subscriptions(arn)) this.store.deleteResource(SNS_SUBSCRIPTION, s.SubscriptionArn);
      if (this.store.deleteResource(SNS_TOPIC, id)) this.store.untag(arn);
    });
  }

  topics(call: AwsCall): TopicDoc[] {
    return this.store.resources<TopicDoc>(SNS_TOPIC, call.region).map((r) => r.doc).filter((t) => t.TopicArn.split(':')[4] === call.accountId);
  }

  private subscriptions(topicArn: string): SubscriptionDoc[] {
    return this.store.resources<SubscriptionDoc>(SNS_SUBSCRIPTION, topicArn).map((r) => r.doc);
  }

  allSubscriptions(call: AwsCall): SubscriptionDoc[] {
    return this.topics(call).flatMap((t) => this.subscriptions(t.TopicArn));
  }

  subscribe(q: QueryInput): { arn: string; pending: boolean } {
    const topicArn = q.required('TopicArn');
    const protocol = q.required('Protocol');
    q.check();
    const topic = this.requireTopic(topicArn);
    if (!PROTOCOLS.includes(protocol)) throw new AwsError('InvalidParameter', 'Invalid parameter: Amazon SNS does not support this protocol string: ' + protocol.slice(0, 32));
    const endpoint = q.str('Endpoint') ?? '';
    checkEndpoint(protocol, endpoint);
    const attributes = q.map('Attributes');
    for (const [k, v] of Object.entries(attributes)) checkAttribute(SUBSCRIPTION_ATTRIBUTES, k, v, false);
    const same = this.subscriptions(topic.TopicArn).find((s) => s.Protocol === protocol && s.Endpoint === endpoint);
    if (same) return { arn: same.SubscriptionArn, pending: same.PendingConfirmation };
    // E-mail and HTTP endpoints confirm by following a link; nothing is sent, so they stay pending, as unconfirmed ones do on AWS.
    const pending = ['email', 'email-json', 'http', 'https'].includes(protocol);
    const doc: SubscriptionDoc = { SubscriptionArn: `${topic.TopicArn}:${uuid()}`, TopicArn: topic.TopicArn, Protocol: protocol, Endpoint: endpoint, PendingConfirmation: pending, Attributes: attributes };
    this.store.putResource({ kind: SNS_SUBSCRIPTION, id: doc.SubscriptionArn, parent: topic.TopicArn, doc: { ...doc } });
    return { arn: doc.SubscriptionArn, pending };
  }

  private requireSubscription(arn: string): SubscriptionDoc {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+:[0-9a-f-]{36}$/.test(arn)) throw new AwsError('InvalidParameter', 'Invalid parameter: SubscriptionArn Reason: An ARN must have 6 or 7 elements');
    const sub = this.store.resource<SubscriptionDoc>(SNS_SUBSCRIPTION, arn)?.doc;
    if (!sub) throw new AwsError('NotFound', 'Subscription does not exist', 404);
    return sub;
  }

  subscriptionAttributes(arn: string): Record<string, string> {
    const sub = this.requireSubscription(arn);
    const owner = sub.TopicArn.split(':')[4];
    const attributes = { ...sub.Attributes };
    if (attributes['FilterPolicy'] !== undefined && attributes['FilterPolicyScope'] === undefined) attributes['FilterPolicyScope'] = 'MessageAttributes';
    return {
      SubscriptionArn: sub.SubscriptionArn, TopicArn: sub.TopicArn, Owner: owner, Protocol: sub.Protocol, Endpoint: sub.Endpoint,
      PendingConfirmation: String(sub.PendingConfirmation), ConfirmationWasAuthenticated: 'false', RawMessageDelivery: 'false', SubscriptionPrincipal: `arn:aws:iam::${owner}:user/twin`,
      ...attributes,
    };
  }

  setSubscriptionAttribute(q: QueryInput): void {
    const arn = q.required('SubscriptionArn');
    const name = q.required('AttributeName');
    q.check();
    const sub = this.requireSubscription(arn);
    const value = q.str('AttributeValue') ?? '';
    checkAttribute(SUBSCRIPTION_ATTRIBUTES, name, value, false);
    const attributes = { ...sub.Attributes };
    if (value === '' || (name === 'FilterPolicy' && value === '{}')) delete attributes[name];
    else attributes[name] = value;
    if (attributes['FilterPolicy'] === undefined) delete attributes['FilterPolicyScope'];
    this.store.putResource({ kind: SNS_SUBSCRIPTION, id: arn, parent: sub.TopicArn, doc: { ...sub, Attributes: attributes } });
  }

  unsubscribe(arn: string): void {
    this.requireSubscription(arn);
    this.store.deleteResource(SNS_SUBSCRIPTION, arn);
  }

  listSubscriptionsByTopic(arn: string): SubscriptionDoc[] {
    return this.subscriptions(this.requireTopic(arn).TopicArn);
  }

  /** The topic a tagging call names: only topics are taggable. */
  taggable(arn: string): string {
    if (!this.topicId(arn)) throw new AwsError('InvalidParameter', 'Invalid parameter: ResourceArn');
    if (!this.topic(arn)) throw new AwsError('ResourceNotFound', 'Resource does not exist', 404);
    return arn;
  }

  tags(arn: string): Record<string, string> {
    return this.store.tags(this.taggable(arn));
  }

  tag(arn: string, tags: Record<string, string>): void {
    const target = this.taggable(arn);
    if (Object.keys({ ...this.store.tags(target), ...tags }).length > 50) throw new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
    this.store.tag(target, tags);
  }

  untag(arn: string, keys: readonly string[]): void {
    this.store.untag(this.taggable(arn), keys);
  }
}

function withoutFifo(attributes: Record<string, string>): Record<string, string> {
  const { FifoTopic: _fifo, ...rest } = attributes;
  return rest;
}

/** An attribute SNS takes: a known name, JSON where the attribute holds JSON, and FIFO-only attributes on FIFO topics. */
function checkAttribute(known: ReadonlySet<string>, name: string, value: string, fifo: boolean): void {
  if (!known.has(name)) throw new AwsError('InvalidParameter', `Invalid parameter: AttributeName`);
  if (JSON_ATTRIBUTES.has(name) && value !== '') {
    try {
      const doc: unknown = JSON.parse(value);
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    } catch {
      throw new AwsError('InvalidParameter', `Invalid parameter: ${name} Reason: failed to parse JSON.`);
    }
  }
  if ((name === 'ContentBasedDeduplication' || name === 'ArchivePolicy') && value !== '' && !fifo && value !== 'false') {
    throw new AwsError('InvalidParameter', `Invalid parameter: ${name} Reason: it applies to FIFO topics only.`);
  }
  if (name === 'SignatureVersion' && value !== '1' && value !== '2') throw new AwsError('InvalidParameter', 'Invalid parameter: SignatureVersion');
  if (name === 'TracingConfig' && value !== 'Active' && value !== 'PassThrough') throw new AwsError('InvalidParameter', 'Invalid parameter: TracingConfig');
  if (name === 'RawMessageDelivery' && value !== 'true' && value !== 'false') throw new AwsError('InvalidParameter', 'Invalid parameter: RawMessageDelivery');
}

function checkEndpoint(protocol: string, endpoint: string): void {
  const ok = protocol === 'email' || protocol === 'email-json' ? /^[^@\s]+@[^@\s]+$/.test(endpoint)
    : protocol === 'http' || protocol === 'https' ? endpoint.startsWith(`${protocol}://`)
      : protocol === 'sms' ? /^\+?[0-9]{5,15}$/.test(endpoint)
        : /^arn:aws[a-z-]*:/.test(endpoint);
  if (!ok) throw new AwsError('InvalidParameter', `Invalid parameter: ${protocol === 'email' || protocol === 'email-json' ? 'Email address' : 'Endpoint'}`);
}

/** The policy SNS gives a topic created without one: the owning account may do everything. */
function defaultTopicPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: arn, Condition: { StringEquals: { 'AWS:SourceOwner': account } },
    }],
  });
}

function entriesXml(map: Record<string, string>): string {
  return Object.entries(map).map(([k, v]) => `<entry><key>${xml(k)}</key><value>${xml(v)}</value></entry>`).join('');
}

function subscriptionXml(s: SubscriptionDoc): string {
  return `<member><Owner>${s.TopicArn.split(':')[4]}</Owner><Endpoint>${xml(s.Endpoint)}</Endpoint><Protocol>${s.Protocol}</Protocol><SubscriptionArn>${xml(s.PendingConfirmation ? 'PendingConfirmation' : s.SubscriptionArn)}</SubscriptionArn><TopicArn>${xml(s.TopicArn)}</TopicArn></member>`;
}

/** SNS's Query API (`Version=2010-03-31`), answering the inner XML of each `<Action>Result>`. */
export function snsService(sns: SnsService): QueryService {
  const act = (run: (q: QueryInput, call: AwsCall) => string): QueryAction => ({ auth: 'sigv4', run: (p, call) => run(new QueryInput(p, 'InvalidParameter'), call) });
  const arnOf = (q: QueryInput, name: string) => {
    const v = q.required(name);
    q.check();
    return v;
  };
  return {
    signingName: 'sns',
    version: '2010-03-31',
    xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
    actions: {
      CreateTopic: act((q, call) => `<TopicArn>${xml(sns.createTopic(call, q))}</TopicArn>`),
      GetTopicAttributes: act((q) => `<Attributes>${entriesXml(sns.topicAttributes(arnOf(q, 'TopicArn')))}</Attributes>`),
      SetTopicAttributes: act((q) => (sns.setTopicAttribute(q), '')),
      DeleteTopic: act((q) => (sns.deleteTopic(arnOf(q, 'TopicArn')), '')),
      ListTopics: act((_q, call) => `<Topics>${sns.topics(call).map((t) => `<member><TopicArn>${xml(t.TopicArn)}</TopicArn></member>`).join('')}</Topics>`),
      Subscribe: act((q) => {
        const { arn, pending } = sns.subscribe(q);
        return `<SubscriptionArn>${xml(pending && q.str('ReturnSubscriptionArn') !== 'true' ? 'pending confirmation' : arn)}</SubscriptionArn>`;
      }),
      GetSubscriptionAttributes: act((q) => `<Attributes>${entriesXml(sns.subscriptionAttributes(arnOf(q, 'SubscriptionArn')))}</Attributes>`),
      SetSubscriptionAttributes: act((q) => (sns.setSubscriptionAttribute(q), '')),
      Unsubscribe: act((q) => (sns.unsubscribe(arnOf(q, 'SubscriptionArn')), '')),
      ListSubscriptionsByTopic: act((q) => `<Subscriptions>${sns.listSubscriptionsByTopic(arnOf(q, 'TopicArn')).map(subscriptionXml).join('')}</Subscriptions>`),
      ListSubscriptions: act((_q, call) => `<Subscriptions>${sns.allSubscriptions(call).map(subscriptionXml).join('')}</Subscriptions>`),
      ListTagsForResource: act((q) => `<Tags>${Object.entries(sns.tags(arnOf(q, 'ResourceArn'))).map(([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`).join('')}</Tags>`),
      TagResource: act((q) => (sns.tag(arnOf(q, 'ResourceArn'), q.tags()), '')),
      UntagResource: act((q) => (sns.untag(arnOf(q, 'ResourceArn'), q.list('TagKeys') ?? []), '')),
    },
  };
}
