/** The exit outbox as the API shows it: counts by module, status and age bucket, and the open and dead items. */
export const exitQueueSchema = {
  type: 'object',
  required: ['counts', 'items'],
  properties: {
    counts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['progId', 'status', 'age', 'count', 'oldestAt'],
        properties: {
          progId: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'delivering', 'done', 'dead'] },
          age: { type: 'string', enum: ['<1m', '1m-1h', '1h-1d', '>1d'] },
          count: { type: 'integer' },
          oldestAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'module', 'eventId', 'event', 'context', 'status', 'attempts', 'nextAttemptAt', 'createdAt'],
        properties: {
          id: { type: 'integer' },
          module: { type: 'string' },
          eventId: {
            type: 'integer',
            description: 'The stable event id; modules read `<SanitizedCAName>/<eventId>` as EventID.',
          },
          event: { type: 'string' },
          context: { type: 'integer' },
          status: { type: 'string', enum: ['pending', 'delivering', 'done', 'dead'] },
          attempts: { type: 'integer' },
          nextAttemptAt: { type: 'string', format: 'date-time' },
          lastHresult: { type: 'string' },
          lastError: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

/** `?module=<ProgID>&limit=<n>`. */
export const exitQueueQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    module: { type: 'string', minLength: 1, maxLength: 256 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

/** `{ target }`: an item id, or a ProgID for all its dead and pending items. */
export const exitQueueRetryBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: { target: { type: 'string', minLength: 1, maxLength: 256, description: 'An item id or a ProgID.' } },
} as const;

/** `{ retried }`. */
export const exitQueueRetrySchema = {
  type: 'object',
  required: ['retried'],
  properties: { retried: { type: 'integer' } },
} as const;

/** `:id` of an outbox item. */
export const exitQueueItemParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** `{ id, dropped }`. */
export const exitQueueDropSchema = {
  type: 'object',
  required: ['id', 'dropped'],
  properties: { id: { type: 'integer' }, dropped: { type: 'boolean' } },
} as const;
