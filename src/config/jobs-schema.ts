/** Config of the scheduled jobs: retention (pruning) and the digest. */
import cron from 'node-cron';
import { z } from 'zod';
import { durationMs } from './duration.js';

const cronExpr = z.string().refine((s) => cron.validate(s), { message: 'not a valid cron expression (e.g. "0 8 * * *")' });

export const retentionSchema = z
  .strictObject({
    /** When the pruning job runs. */
    cron: cronExpr.default('17 3 * * *'),
    /** Sightings older than this are deleted (the hit keeps its first/last seen and count). */
    sightings: durationMs.default(180 * 86_400_000),
    /** Inventory names not seen for this long are deleted. */
    inventory: durationMs.default(400 * 86_400_000),
    /** Hits last seen longer ago than this are deleted; unset = keep hits until deleted by hand. */
    hits: durationMs.optional(),
  })
  .default({ cron: '17 3 * * *', sightings: 180 * 86_400_000, inventory: 400 * 86_400_000 });

export const digestSchema = z
  .strictObject({
    /** When the digest goes out, e.g. "0 8 * * *" (daily at 08:00). */
    cron: cronExpr,
    /** IANA time zone for the schedule; default the system's. */
    timezone: z
      .string()
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'not a known IANA time zone (e.g. "Europe/Berlin", "UTC")' },
      )
      .optional(),
    /** Most high-severity names listed. */
    max_names: z.number().int().positive().default(25),
  })
  .optional();

export type RetentionConfig = z.output<typeof retentionSchema>;
export type DigestConfig = NonNullable<z.output<typeof digestSchema>>;
