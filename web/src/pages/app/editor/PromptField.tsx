import { useRef } from 'react';
import { Flex, Form, Input, Tag, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useTranslation } from 'react-i18next';
import type { FlatVariable } from './variables';
import { useMarkDirty } from './dirty';

/** The prompt, with the input variables as tags that insert `{{name}}` where the cursor is. */
export function PromptField() {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const markDirty = useMarkDirty();
  const area = useRef<TextAreaRef>(null);
  const variables = (Form.useWatch('variables', form) as FlatVariable[] | undefined) ?? [];
  const insert = (name: string) => {
    const element = area.current?.resizableTextArea?.textArea;
    const text = (form.getFieldValue('preset_prompt') as string) ?? '';
    const at = element?.selectionStart ?? text.length;
    const token = `{{${name}}}`;
    form.setFieldValue('preset_prompt', text.slice(0, at) + token + text.slice(element?.selectionEnd ?? at));
    markDirty();
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  return (
    <>
      <Form.Item name="preset_prompt" label={t('editor.prompt')}>
        <Input.TextArea
          ref={area}
          autoSize={{ minRows: 6, maxRows: 20 }}
          placeholder={t('editor.promptPlaceholder')}
          data-testid="prompt"
        />
      </Form.Item>
      {variables.some((v) => v?.variable) && (
        <Flex gap={4} wrap align="center" style={{ marginTop: -16, marginBottom: 16 }}>
          <Typography.Text type="secondary">{t('editor.insertVariable')}</Typography.Text>
          {variables
            .filter((v) => v?.variable)
            .map((v) => (
              <Tag key={v.variable} color="geekblue" style={{ cursor: 'pointer' }} onClick={() => insert(v.variable)}>
                {`{{${v.variable}}}`}
              </Tag>
            ))}
        </Flex>
      )}
    </>
  );
}
