import { stringArg, type BuiltinProvider } from '../tool-types.js';

const OPENAI_URL = 'https://api.openai.com/v1';

interface ImagesAnswer {
  data?: Array<{ b64_json?: string; revised_prompt?: string }>;
  error?: { message?: string };
}

export const dalleProvider: BuiltinProvider = {
  name: 'dalle',
  label: { en_US: 'DALL·E', zh_Hans: 'DALL·E 绘画' },
  description: {
    en_US: 'Draws images from a description, with an OpenAI-compatible images API.',
    zh_Hans: '根据描述生成图片（OpenAI 兼容的图片接口）。',
  },
  category: 'productivity',
  background: '#FCE7F3',
  icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#db2777" stroke-width="2"><rect x="3" y="3" width="18" height="18" rx="3"/><circle cx="9" cy="9" r="2"/><path d="M21 15l-5-5L5 21"/></svg>',
  usesModelProvider: 'openai',
  credentials: [
    {
      name: 'api_key',
      type: 'secret-input',
      required: false,
      label: { en_US: 'API key', zh_Hans: 'API 密钥' },
      placeholder: 'sk-...',
      help: {
        en_US: "Left empty, the workspace's OpenAI model provider key is used.",
        zh_Hans: '留空时使用工作空间 OpenAI 模型供应商的密钥。',
      },
    },
    {
      name: 'base_url',
      type: 'text-input',
      required: false,
      label: { en_US: 'API base URL', zh_Hans: 'API 地址' },
      placeholder: OPENAI_URL,
    },
  ],
  tools: [
    {
      name: 'dalle_image',
      label: { en_US: 'Draw an image', zh_Hans: '生成图片' },
      description: {
        en_US: 'Draws one image from a detailed description; the user sees the image.',
        zh_Hans: '根据详细描述生成一张图片，并展示给用户。',
      },
      inputs: [
        {
          name: 'prompt',
          type: 'string',
          required: true,
          label: { en_US: 'Description', zh_Hans: '描述' },
          description: 'What the image shows, in detail: subject, style, colours, composition.',
        },
      ],
      params: [
        {
          name: 'model',
          type: 'select',
          required: false,
          options: ['dall-e-3', 'dall-e-2'],
          default: 'dall-e-3',
          label: { en_US: 'Model', zh_Hans: '模型' },
          description: 'The image model.',
        },
        {
          name: 'size',
          type: 'select',
          required: false,
          options: ['1024x1024', '1792x1024', '1024x1792', '512x512', '256x256'],
          default: '1024x1024',
          label: { en_US: 'Size', zh_Hans: '尺寸' },
          description: 'Width x height in pixels (dall-e-2 draws up to 1024x1024).',
        },
        {
          name: 'quality',
          type: 'select',
          required: false,
          options: ['standard', 'hd'],
          default: 'standard',
          label: { en_US: 'Quality', zh_Hans: '质量' },
          description: 'hd: finer detail (dall-e-3 only).',
        },
      ],
      async invoke(args, ctx) {
        const key = ctx.credentials['api_key'];
        if (!key) throw new Error("no key for DALL·E: give it in the tool's credentials, or set the workspace's OpenAI model provider key");
        const model = stringArg(args, 'model');
        const body = {
          model,
          prompt: stringArg(args, 'prompt'),
          n: 1,
          size: stringArg(args, 'size'),
          response_format: 'b64_json',
          ...(model === 'dall-e-3' ? { quality: stringArg(args, 'quality') } : {}),
        };
        const base = (ctx.credentials['base_url'] || OPENAI_URL).replace(/\/+$/, '');
        const res = await ctx.fetch(`${base}/images/generations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: ctx.signal,
        });
        let answer: ImagesAnswer;
        try {
          answer = JSON.parse(res.text()) as ImagesAnswer;
        } catch {
          throw new Error(`the images API answered ${res.status} with no JSON`);
        }
        if (res.status >= 400) throw new Error(`the images API answered ${res.status}: ${answer.error?.message ?? 'no reason given'}`);
        const images = (answer.data ?? []).filter((d) => d.b64_json);
        if (images.length === 0) throw new Error('the images API answered without an image');
        const files = await Promise.all(images.map((d, i) => ctx.saveImage(Buffer.from(d.b64_json!, 'base64'), `dalle-${i + 1}.png`)));
        const revised = images[0]!.revised_prompt;
        return {
          text: `Drew ${files.length} image; the user sees it with the answer.${revised ? ` The prompt as drawn: ${revised}` : ''}`,
          files,
        };
      },
    },
  ],
};
