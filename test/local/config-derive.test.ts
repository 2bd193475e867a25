import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../../local/config/errors.ts';
import { deriveStackConfig } from '../../local/config/stack-config.ts';

/** A printed config as `serverless print --format json` shapes it, minimal. */
function printed(overrides: Record<string, unknown> = {}) {
  return {
    service: 'svc',
    provider: { name: 'aws', stage: 'local', region: 'eu-central-1' },
    functions: {
      ingest: {
        handler: 'src/ingest/index.main',
        environment: {
          MACHINE: { Ref: 'FlowStepFunctionsStateMachine' },
          UPLOADS: { Ref: 'S3BucketUploads' },
          UPLOADS_ARN: { 'Fn::GetAtt': ['S3BucketUploads', 'Arn'] },
          SELF: { 'Fn::GetAtt': ['IngestLambdaFunction', 'Arn'] },
        },
        events: [
          { s3: 'uploads' },
          { s3: { bucket: { Ref: 'Archive' }, existing: true, event: 's3:ObjectRemoved:*' } },
        ],
      },
    },
    stepFunctions: {
      stateMachines: {
        flow: {
          definition: {
            StartAt: 'A',
            States: {
              A: {
                Type: 'Task',
                Resource: { 'Fn::GetAtt': ['ingest', 'Arn'] },
                Parameters: { Bucket: { Ref: 'Archive' } },
                End: true,
              },
            },
          },
        },
      },
    },
    resources: {
      Resources: {
        Archive: {
          Type: 'AWS::S3::Bucket',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation/serverless syntax, not a JS template
          Properties: { BucketName: { 'Fn::Sub': 'svc-${AWS::Region}-archive' } },
        },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
    },
    ...overrides,
  };
}

describe('deriveStackConfig', () => {
  it("applies serverless's naming and defaults", () => {
    const config = deriveStackConfig(printed());
    const ingest = config.functions.ingest;
    expect(ingest).toMatchObject({
      name: 'svc-local-ingest',
      handler: { module: 'src/ingest/index', exportName: 'main' },
      memorySizeMb: 1024,
      timeoutSeconds: 6,
    });
    expect(ingest.environment).toEqual({
      MACHINE: 'arn:aws:states:eu-central-1:000000000000:stateMachine:FlowStepFunctionsStateMachine',
      UPLOADS: 'uploads',
      UPLOADS_ARN: 'arn:aws:s3:::uploads',
      SELF: 'arn:aws:lambda:eu-central-1:000000000000:function:svc-local-ingest',
    });
    expect(config.stateMachines[0]).toMatchObject({
      key: 'flow',
      logicalId: 'FlowStepFunctionsStateMachine',
    });
  });

  it('resolves s3 event buckets: one serverless creates, and an existing one given by Ref', () => {
    const config = deriveStackConfig(printed());
    expect(config.functions.ingest.s3Events).toEqual([
      { bucket: 'uploads', event: 's3:ObjectCreated:*' },
      { bucket: 'svc-eu-central-1-archive', event: 's3:ObjectRemoved:*' },
    ]);
    expect(config.dataBucket).toBe('uploads');
    expect(config.buckets.map((bucket) => bucket.name).sort()).toEqual([
      'svc-eu-central-1-archive',
      'uploads',
    ]);
  });

  it('resolves intrinsics inside a definition except the Task resources naming functions', () => {
    const [machine] = deriveStackConfig(printed()).stateMachines;
    const states = machine.definition.States as Record<string, Record<string, unknown>>;
    expect(states.A.Resource).toEqual({ 'Fn::GetAtt': ['ingest', 'Arn'] });
    expect(states.A.Parameters).toEqual({ Bucket: 'svc-eu-central-1-archive' });
  });

  it('names the function whose handler is not <file>.<export>', () => {
    const broken = printed({ functions: { bad: { handler: 'noexport' } } });
    expect(() => deriveStackConfig(broken)).toThrow(StackConfigError);
    expect(() => deriveStackConfig(broken)).toThrow(
      'functions.bad.handler: "noexport" is not <file>.<export>',
    );
  });

  it('refuses a provider other than aws, naming the field', () => {
    const other = printed({ provider: { name: 'azure', stage: 'local' } });
    expect(() => deriveStackConfig(other)).toThrow(/only provider aws can run locally[\s\S]*provider\.name/);
  });

  it('refuses a stack where the data bucket cannot be told', () => {
    const noBuckets = printed({ functions: {}, resources: {}, stepFunctions: {} });
    expect(() => deriveStackConfig(noBuckets)).toThrow('cannot tell the data bucket');
  });
});
