"""The privacy notice guardians consent to (儿童个人信息保护告知书), by version.

A new version is published by a new data migration; guardians are then asked to consent again before
recording more of a child's data. Earlier consents keep pointing at the version they accepted.
"""

FIRST_VERSION = "2026-01"
FIRST_TITLE = "儿童个人信息保护告知书"
FIRST_BODY = """本平台由区卫生健康部门运营，用于托育机构查找、入托申请、在托照护与健康管理。

一、我们收集的信息：您的姓名与手机号；您孩子的姓名、性别、出生日期、身份证号码（选填）、过敏史与特殊需要；授权接送人的姓名、关系、手机号与身份证号码；入托体检结果；申请、入托与预约记录。

二、使用目的：仅用于为您的孩子申请和安排托位、照护与健康管理、向您发送通知，以及主管部门依法开展的监督统计（统计不含可识别个人的信息）。

三、谁能看到：您本人及孩子的其他监护人；您申请或入托的托育机构中负责招生、保育与保健的工作人员；依法履职的主管部门。过敏史、特殊需要等敏感信息仅向照护孩子的机构人员展示，身份证号码一律脱敏显示。

四、您的权利：您可以随时查看、更正并下载孩子的全部数据，也可以申请删除；孩子曾在机构入托的，机构须依法保存其入托与健康档案，此时删除申请将说明原因并予以保留。

五、不满十四周岁未成年人的个人信息属于敏感个人信息（《个人信息保护法》第二十八条、第三十一条）。您点击同意，即表示您作为监护人同意我们按本告知处理孩子的个人信息。"""
