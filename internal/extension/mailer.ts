import type { Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail through the configured SMTP server; `enabled` is false when none is. */
export interface Mailer {
  readonly enabled: boolean;
  send(mail: Mail): Promise<void>;
}

/** Bounded, so an SMTP server that does not answer delays an invitation by seconds, not minutes. */
const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(settings: { smtpUrl: string; mailFrom: string }): Mailer {
  if (!settings.smtpUrl) {
    return {
      enabled: false,
      send: () => Promise.reject(new Error('no SMTP server is configured (SMTP_URL)')),
    };
  }
  // The SMTP client loads with the first mail: start-up does not need it.
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(settings.smtpUrl, {
        connectionTimeout: SMTP_TIMEOUT_MS,
        greetingTimeout: SMTP_TIMEOUT_MS,
        socketTimeout: SMTP_TIMEOUT_MS,
      }),
    ));
  return {
    enabled: true,
    async send(mail) {
      await (await open()).sendMail({ from: settings.mailFrom, ...mail });
    },
  };
}
