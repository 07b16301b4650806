/** The exit outbox as the API shows it: counts by module, status and age bucket, the open and dead items, replays. */
export const exitQueueSchema = {
  type: 'object',
  required: ['counts', 'items', 'replays', 'leases'],
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
          deadReason: {
            type: 'string',
            description: 'Why a dead item was dead-lettered: a permanent failure, or the attempts used up.',
          },
          replayId: { type: 'integer', description: 'The replay that made the item.' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    replays: {
      type: 'array',
      description: 'Replays with rows still open, and the last few that finished.',
      items: {
        type: 'object',
        required: ['replayId', 'module', 'since', 'until', 'events', 'count', 'open', 'done', 'dead', 'createdAt'],
        properties: {
          replayId: { type: 'integer' },
          module: { type: 'string' },
          since: { type: 'string', description: 'The first EventID considered.' },
          until: { type: 'string', description: 'The last EventID considered.' },
          events: { type: 'array', items: { type: 'string' } },
          count: { type: 'integer', description: 'Events given to the module again.' },
          open: { type: 'integer' },
          done: { type: 'integer' },
          dead: { type: 'integer' },
          requestedBy: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    leases: {
      type: 'array',
      description: 'Notifications in delivery, by node (engine process) and module.',
      items: {
        type: 'object',
        required: ['node', 'owner', 'module', 'rows', 'leaseUntil'],
        properties: {
          node: { type: 'string', description: 'host:pid of the engine process holding them.' },
          owner: { type: 'string', description: 'Its claim token (the process or its exit-module thread).' },
          module: { type: 'string' },
          rows: { type: 'integer' },
          leaseUntil: {
            type: 'string',
            format: 'date-time',
            description: 'The earliest lease deadline: another node may take them over after it unless renewed.',
          },
        },
      },
    },
  },
} as const;

/** `{ module, since, events?, limit? }`: what `certexit module replay` takes. */
export const exitQueueReplayBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['module', 'since'],
  properties: {
    module: { type: 'string', minLength: 1, maxLength: 256, description: 'The ProgID to deliver past events to.' },
    since: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: 'A date (ISO 8601) or an EventID (`<SanitizedCAName>/<n>`) to start from.',
    },
    events: {
      type: ['string', 'integer'],
      description: 'A mask: a number, or EXITEVENT_* names joined by `|`; default every event but shutdown.',
    },
    limit: { type: 'integer', minimum: 1, description: 'At most this many events (default 10000).' },
  },
} as const;

/** What a replay made. */
export const exitQueueReplaySchema = {
  type: 'object',
  required: ['replayId', 'progId', 'events', 'alreadyOpen', 'eventMask'],
  properties: {
    replayId: { type: 'integer' },
    progId: { type: 'string' },
    events: { type: 'integer', description: 'Events given to the module again, with their original EventIDs.' },
    alreadyOpen: { type: 'integer', description: 'Events left out: the module had an open item for them.' },
    eventMask: { type: 'array', items: { type: 'string' } },
    firstEventIdText: { type: 'string' },
    lastEventIdText: { type: 'string' },
    continueSince: {
      type: 'string',
      description: 'More events match than the limit allowed: replay again with this `since`.',
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

/** `{ retried, ids }`. */
export const exitQueueRetrySchema = {
  type: 'object',
  required: ['retried', 'ids'],
  properties: {
    retried: { type: 'integer' },
    ids: { type: 'array', items: { type: 'integer' }, description: 'The items due again (this server delivers them).' },
  },
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
