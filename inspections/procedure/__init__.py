"""The penalty procedure of 《生态环境行政处罚办法》 (部令第30号): its dates, statutory periods and outcome detail.

``procedure.models`` holds the fields a penalty case adds (an abstract model ``PenaltyCase`` inherits), the
admin-maintained 免罚清单 and the measures (按日连续处罚, 查封扣押); ``procedure.periods`` the statutory periods
as pure functions.
"""
