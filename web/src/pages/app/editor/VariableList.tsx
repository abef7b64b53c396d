import { Button, Checkbox, Flex, Form, Input, Select } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES } from './variables';

export function VariableList() {
  const { t } = useTranslation();
  return (
    <Form.List name="variables">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Flex key={field.key} gap={8} align="baseline" wrap>
              <Form.Item name={[field.name, 'type']} style={{ width: 130 }}>
                <Select options={FIELD_TYPES.map((type) => ({ value: type, label: t(`editor.fieldTypes.${type}`) }))} />
              </Form.Item>
              <Form.Item
                name={[field.name, 'variable']}
                style={{ width: 140 }}
                rules={[{ required: true, pattern: /^[A-Za-z_][A-Za-z0-9_]{0,29}$/, message: t('editor.variableRule') }]}
              >
                <Input placeholder={t('editor.variableName')} />
              </Form.Item>
              <Form.Item name={[field.name, 'label']} style={{ flex: 1, minWidth: 120 }}>
                <Input placeholder={t('editor.variableLabel')} />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {({ getFieldValue }) =>
                  getFieldValue(['variables', field.name, 'type']) === 'select' && (
                    <Form.Item name={[field.name, 'options']} style={{ minWidth: 160 }}>
                      <Select mode="tags" placeholder={t('editor.options')} open={false} />
                    </Form.Item>
                  )
                }
              </Form.Item>
              <Form.Item name={[field.name, 'required']} valuePropName="checked">
                <Checkbox>{t('editor.required')}</Checkbox>
              </Form.Item>
              <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
            </Flex>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: 'text-input', required: false })}>
            {t('editor.addVariable')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
