import type { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Template } from '@secure-api/testing';
import { Integration } from '../lib/integration';
import { RestApi, type RestApiProps } from '../lib/rest-api';

/** Synthesizes a stack (with an AwsProvider in eu-west-1) holding one RestApi `Api` built from `props`. */
export function synthApi(props: (stack: TerraformStack) => RestApiProps, onApi?: (api: RestApi, stack: TerraformStack) => void): Template {
  return Template.synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const api = new RestApi(stack, 'Api', props(stack));
    onApi?.(api, stack);
  });
}

/** A public MOCK route, the smallest valid route. */
export const publicMock = { integration: Integration.mock({ body: { ok: true } }), public: 'test route' };

export { expectInvalid } from '@secure-api/testing';
