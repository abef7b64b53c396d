import { stringArg, ToolInputError, type BuiltinProvider } from '../tool-types.js';

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#2563eb" stroke-width="2"><circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>`;

function checkedZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new ToolInputError(`unknown time zone "${zone}" (use an IANA name such as Asia/Shanghai or UTC)`);
  }
}

/** `YYYY-MM-DD HH:mm:ss` of an instant as a wall clock in `zone` shows it. */
function wallClock(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The instant at which `zone`'s wall clock shows `local` (DST gaps resolve forward, as clocks do). */
function instantOf(local: string, zone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) throw new ToolInputError(`"${local}" is not a time in the form YYYY-MM-DD HH:mm:ss`);
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  // The zone's offset at that moment, found by reading the wall clock back; twice for the DST edge.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = Date.parse(`${wallClock(new Date(guess), zone).replace(' ', 'T')}Z`);
    guess += asUtc - shown;
  }
  return new Date(guess);
}

export const timeProvider: BuiltinProvider = {
  name: 'time',
  label: { en_US: 'Time', zh_Hans: '时间' },
  description: { en_US: 'The current time, and times across time zones.', zh_Hans: '获取当前时间与时区换算。' },
  category: 'utilities',
  background: '#E0EAFF',
  icon: ICON,
  tools: [
    {
      name: 'current_time',
      label: { en_US: 'Current time', zh_Hans: '获取当前时间' },
      description: { en_US: 'The current date and time in a time zone.', zh_Hans: '获取某个时区的当前日期与时间。' },
      inputs: [
        {
          name: 'timezone',
          type: 'string',
          required: false,
          label: { en_US: 'Time zone', zh_Hans: '时区' },
          description: 'IANA time zone such as Asia/Shanghai or America/New_York; UTC when left out.',
        },
      ],
      params: [],
      async invoke(args) {
        const zone = checkedZone(stringArg(args, 'timezone', false) || 'UTC');
        const now = new Date();
        const weekday = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long' }).format(now);
        return `${wallClock(now, zone)} ${weekday} (${zone})`;
      },
    },
    {
      name: 'timezone_conversion',
      label: { en_US: 'Time zone conversion', zh_Hans: '时区转换' },
      description: { en_US: 'Converts a time from one time zone to another.', zh_Hans: '把一个时区的时间换算到另一个时区。' },
      inputs: [
        {
          name: 'current_time',
          type: 'string',
          required: true,
          label: { en_US: 'Time', zh_Hans: '时间' },
          description: 'The time to convert, as YYYY-MM-DD HH:mm:ss.',
        },
        {
          name: 'current_timezone',
          type: 'string',
          required: true,
          label: { en_US: 'From time zone', zh_Hans: '原时区' },
          description: 'IANA time zone the time is in.',
        },
        {
          name: 'target_timezone',
          type: 'string',
          required: true,
          label: { en_US: 'To time zone', zh_Hans: '目标时区' },
          description: 'IANA time zone to convert to.',
        },
      ],
      params: [],
      async invoke(args) {
        const from = checkedZone(stringArg(args, 'current_timezone'));
        const to = checkedZone(stringArg(args, 'target_timezone'));
        return `${wallClock(instantOf(stringArg(args, 'current_time'), from), to)} (${to})`;
      },
    },
  ],
};
